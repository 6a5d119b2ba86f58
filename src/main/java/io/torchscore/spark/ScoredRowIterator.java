package io.torchscore.spark;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.translate.TranslateException;
import io.torchscore.TorchScoreException;
import io.torchscore.config.ConfKeys;
import io.torchscore.config.ScoreSettings.OnError;
import io.torchscore.model.GpuGate;
import io.torchscore.tensor.BatchEncoder;
import io.torchscore.tensor.ErrorReason;
import io.torchscore.tensor.OutputLayout;
import io.torchscore.tensor.RowError;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Streams a partition's rows through the model: reads up to a batch of rows, runs one forward
 * for the good ones, and yields each row with its predictions appended, in input order.
 *
 * <p>A bad row is handled by the error policy without costing the good rows of its batch: it is
 * left out of the tensor; when the model fails on a batch, the batch is split until the failing
 * rows are isolated. Each batch's native memory lives in its own manager, closed before the next
 * batch; the predictor is closed when the partition ends or on {@link #close()}.
 */
final class ScoredRowIterator implements Iterator<InternalRow>, AutoCloseable {

  /** Where the partition is and how its rows are named in messages. */
  record RowNaming(int partition, int keyIndex, String keyColumn, DataType keyType) {}

  /** One forward call of the model. */
  @FunctionalInterface
  interface Forward {
    NDList apply(NDList inputs) throws TranslateException;
  }

  /**
   * The model a partition runs: its forward, the manager of its device (batch tensors are made
   * there), its float type, the gate of its GPU, and what to close when the partition ends.
   */
  record Runner(
      Forward forward, NDManager manager, ai.djl.ndarray.types.DataType floatType, GpuGate gate, AutoCloseable resources) {}

  private final Iterator<InternalRow> input;
  private final Runner runner;
  private final BatchEncoder encoder;
  private final OutputLayout outputs;
  private final OnError onError;
  private final RowNaming naming;
  private final ScoreMetrics metrics;
  private final InternalRow[] rows;
  private final RowError[] rowErrors;
  private final int[] slots;
  private final Object[][] predictions;
  private final RowError[] slotErrors;
  private final int predictionColumns;
  private int size;
  private int next;
  private boolean splitOnOutOfMemory;
  private int smallestFitted = Integer.MAX_VALUE;
  private long position;
  private boolean closed;

  ScoredRowIterator(
      Iterator<InternalRow> input,
      Runner runner,
      BatchEncoder encoder,
      OutputLayout outputs,
      int batchSize,
      OnError onError,
      RowNaming naming,
      ScoreMetrics metrics) {
    this.input = input;
    this.runner = runner;
    this.encoder = encoder;
    this.outputs = outputs;
    this.onError = onError;
    this.naming = naming;
    this.metrics = metrics;
    this.rows = new InternalRow[batchSize];
    this.rowErrors = new RowError[batchSize];
    this.slots = new int[batchSize];
    this.predictions = new Object[batchSize][];
    this.slotErrors = new RowError[batchSize];
    this.predictionColumns = outputs.columnCount();
  }

  @Override
  public boolean hasNext() {
    if (next < size) {
      return true;
    }
    if (!closed && input.hasNext()) {
      scoreNextBatch();
      return true;
    }
    close();
    return false;
  }

  @Override
  public InternalRow next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    InternalRow row = rows[next];
    RowError error = rowErrors[next] != null ? rowErrors[next] : slotErrors[slots[next]];
    Object[] appended = new Object[predictionColumns + (onError == OnError.FAIL ? 0 : 1)];
    if (error == null) {
      System.arraycopy(predictions[slots[next]], 0, appended, 0, predictionColumns);
    } else {
      appended[appended.length - 1] = UTF8String.fromString(error.message());
    }
    rows[next] = null;
    next++;
    return new JoinedRow(row, new GenericInternalRow(appended));
  }

  private void scoreNextBatch() {
    encoder.reset();
    Arrays.fill(slotErrors, null);
    size = 0;
    next = 0;
    while (size < rows.length && input.hasNext()) {
      // Scans reuse their row object: keep a copy until the batch's rows are emitted.
      InternalRow row = input.next().copy();
      RowError error = encoder.add(row);
      if (error != null) {
        badRow(row, position, error);
      }
      rows[size] = row;
      rowErrors[size] = error;
      slots[size] = error == null ? encoder.rows() - 1 : -1;
      size++;
      position++;
    }
    int good = encoder.rows();
    if (good > 0) {
      try (NDManager batchManager = runner.manager().newSubManager()) {
        predict(batchManager, 0, good);
      }
    }
    for (int i = 0; i < size; i++) {
      if (rowErrors[i] == null && slotErrors[slots[i]] != null) {
        badRow(rows[i], position - size + i, slotErrors[slots[i]]);
      }
    }
  }

  /**
   * Runs slots {@code [from, to)}. When the device runs out of memory, the slots are split and
   * retried whatever the error policy (the rows are not bad); when the model fails, they are split
   * to find the failing rows.
   */
  private void predict(NDManager batchManager, int from, int to) {
    Exception failure = null;
    long waited = runner.gate().enter();
    try {
      metrics.gpuWait(waited);
      metrics.forward();
      NDList output = null;
      try {
        output = runner.forward().apply(encoder.toInputs(batchManager, from, to, runner.floatType()));
      } catch (TranslateException | RuntimeException e) {
        failure = e;
      }
      if (output != null) {
        output.attach(batchManager);
        Object[][] values = outputs.decode(output, to - from);
        System.arraycopy(values, 0, predictions, from, to - from);
        metrics.scored(to - from);
        if (splitOnOutOfMemory && to - from < smallestFitted) {
          smallestFitted = to - from;
          metrics.fittedAfterOutOfMemory(smallestFitted);
        }
      }
    } finally {
      runner.gate().exit();
    }
    if (failure != null) {
      failed(batchManager, from, to, failure);
    }
  }

  private void failed(NDManager batchManager, int from, int to, Exception failure) {
    if (TorchErrors.isOutOfMemory(failure) && to - from > 1) {
      metrics.outOfMemorySplit();
      splitOnOutOfMemory = true;
    } else if (onError == OnError.FAIL) {
      throw new TorchScoreException(
          failure,
          "Cannot score rows %s to %s of partition %s: the model failed: %s; fix the input or"
              + " set %s=skip or null to isolate the failing rows",
          position - size,
          position - 1,
          naming.partition(),
          TorchErrors.summary(failure),
          ConfKeys.ON_ERROR);
    } else if (to - from == 1) {
      slotErrors[from] =
          new RowError(ErrorReason.MODEL_ERROR, null, "the model failed on this row: " + TorchErrors.summary(failure));
      return;
    }
    int middle = (from + to) >>> 1;
    predict(batchManager, from, middle);
    predict(batchManager, middle, to);
  }

  private void badRow(InternalRow row, long rowPosition, RowError error) {
    if (onError == OnError.FAIL) {
      String key =
          naming.keyIndex() < 0
              ? ""
              : " (" + naming.keyColumn() + "=" + row.get(naming.keyIndex(), naming.keyType()) + ")";
      throw new TorchScoreException(
          "Cannot score row %s of partition %s%s: %s; fix the input or set %s=skip or null",
          rowPosition,
          naming.partition(),
          key,
          error.message(),
          ConfKeys.ON_ERROR);
    }
    metrics.badRow(error.reason(), onError == OnError.NULL);
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      try {
        runner.resources().close();
      } catch (Exception e) {
        throw new IllegalStateException("Cannot close the partition's predictor", e);
      }
    }
  }
}
