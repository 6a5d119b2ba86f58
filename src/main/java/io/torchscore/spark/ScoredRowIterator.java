package io.torchscore.spark;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.translate.TranslateException;
import io.torchscore.TorchScoreException;
import io.torchscore.config.ConfKeys;
import io.torchscore.config.ScoreSettings.OnError;
import io.torchscore.model.GpuGate;
import io.torchscore.model.LoadedModel;
import io.torchscore.model.TorchScriptForward;
import io.torchscore.tensor.BatchEncoder;
import io.torchscore.tensor.BatchPredictions;
import io.torchscore.tensor.ErrorReason;
import io.torchscore.tensor.OutputLayout;
import io.torchscore.tensor.RowError;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.IntFunction;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.SpecificInternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.sql.vectorized.ColumnarRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Streams a partition's rows through the model: reads up to a batch of rows, runs one forward
 * for the good ones, and yields each row with its predictions appended, in input order.
 *
 * <p>A bad row is handled by the error policy without costing the good rows of its batch: it is
 * left out of the tensor; when the model fails on a batch, the batch is split until the failing
 * rows are isolated; when the device runs out of memory, the batch is split until it fits. Each
 * batch's native memory lives in its own manager, closed once its predictions are read; the
 * predictor is closed when the partition ends or on {@link #close()}.
 *
 * <p>With prefetch (on a GPU), two batches alternate: while the device runs batch n, the task
 * reads and encodes batch n+1 (the DataLoader-workers idea, within one task). Tasks sharing a GPU
 * overlap each other instead: a task whose slot another task waits for skips the prefetch. On a
 * CPU the forward itself holds the thread, so there is nothing to overlap.
 *
 * <p>Each batch's rows come from a {@link BatchSizer}: fixed, or (batch.size=auto) growing while
 * the first batches are timed; a timed batch runs without prefetch, and its rows are scored as any.
 */
final class ScoredRowIterator implements Iterator<InternalRow>, AutoCloseable {

  private static final int MIN_ARENA_BYTES = 1 << 16;
  private static final int MAX_ARENA_BYTES = Integer.MAX_VALUE - 8;

  /** Where the partition is and how its rows are named in messages (the key's index in a held row). */
  record RowNaming(int partition, int keyIndex, String keyColumn, org.apache.spark.sql.types.DataType keyType) {}

  /**
   * How an input row is packed: whole (the row scoring reads is the row it holds and emits), or
   * as a pair of structs, the columns held until the row is emitted (those written, and the key)
   * and all the columns scoring reads. A batch then holds only the first: an image column that is
   * not written is read into the batch's tensor and never copied into the batch's arena.
   *
   * @param heldFields the held struct's columns, or -1 for a whole row
   * @param allFields the second struct's columns
   */
  record Packing(int heldFields, int allFields) implements java.io.Serializable {

    /** Rows that are held whole. */
    static Packing whole() {
      return new Packing(-1, -1);
    }

    boolean split() {
      return heldFields >= 0;
    }
  }

  /** One forward call of the model. */
  @FunctionalInterface
  interface Forward {
    NDList apply(NDList inputs) throws TranslateException;

    /**
     * Returns the forward of a loaded model: a TorchScript module runs through
     * {@link TorchScriptForward}, which frees its native inputs when it throws; an ONNX graph
     * through the task's predictor.
     */
    static Forward of(LoadedModel loaded, Predictor<NDList, NDList> predictor) {
      if (loaded.graphOutputs()) {
        return predictor::predict;
      }
      TorchScriptForward module = new TorchScriptForward(loaded.model());
      return module::forward;
    }
  }

  /**
   * The model a partition runs: its forward, the manager of its device (batch tensors are made
   * there), its float type, the gate of its GPU, whether to prefetch, and what to close when the
   * partition ends.
   */
  record Runner(
      Forward forward,
      NDManager manager,
      DataType floatType,
      GpuGate gate,
      boolean prefetch,
      AutoCloseable resources) {}

  private final Iterator<InternalRow> input;
  private final Runner runner;
  private final OutputLayout outputs;
  private final OnError onError;
  private final RowNaming naming;
  private final Packing packing;
  private final ScoreMetrics metrics;
  private final BatchBytes batchBytes;
  private final IntFunction<BatchEncoder> encoders;
  private final BatchSizer sizer;
  private final int predictionColumns;
  // The columns appended to each row: the predictions, then (unless failing) the error message.
  private final StructType appendedSchema;
  private final Batch first;
  private final Batch second;
  // The batch whose rows are being returned, and (prefetching) the one running on the device.
  private Batch current;
  private Batch pending;
  private long position;
  private boolean splitOnOutOfMemory;
  private int smallestFitted = Integer.MAX_VALUE;
  private boolean closed;
  // Fed one input segment after another (columnar batches): the end of the input is not the end.
  private boolean segmented;
  // A row read that did not fit in its batch's bytes: the next batch starts with it.
  private InternalRow carried;
  private long carriedBytes;

  ScoredRowIterator(
      Iterator<InternalRow> input,
      Runner runner,
      IntFunction<BatchEncoder> encoders,
      OutputLayout outputs,
      BatchSizer sizer,
      OnError onError,
      RowNaming naming,
      Packing packing,
      ScoreMetrics metrics,
      BatchBytes batchBytes) {
    this.input = input;
    this.packing = packing;
    this.runner = runner;
    this.outputs = outputs;
    this.onError = onError;
    this.naming = naming;
    this.metrics = metrics;
    this.batchBytes = batchBytes;
    this.encoders = encoders;
    this.sizer = sizer;
    this.predictionColumns = outputs.columnCount();
    StructType appended = new StructType(outputs.fields().toArray(new StructField[0]));
    this.appendedSchema = onError == OnError.FAIL ? appended : appended.add("error", DataTypes.StringType, true);
    this.first = new Batch();
    this.second = runner.prefetch() ? new Batch() : null;
  }

  /**
   * Makes this iterator read its input as segments (a columnar batch's rows, then the next
   * batch's): its input may end and be refilled, so it closes only on {@link #close()}. A batch
   * never spans two segments, so a segment's rows are all emitted before the next one is read.
   */
  ScoredRowIterator segmented() {
    segmented = true;
    return this;
  }

  @Override
  public boolean hasNext() {
    if (current != null && current.next < current.size) {
      return true;
    }
    if (!closed) {
      advance();
      if (current != null && current.next < current.size) {
        return true;
      }
    }
    if (!segmented) {
      close();
    }
    return false;
  }

  @Override
  public InternalRow next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return current.emit();
  }

  /**
   * Makes the next batch's predictions ready to return, or sets no current batch at the end.
   * Prefetching, the next batch is read and launched while the device runs this one, unless
   * another task waits for this GPU's slot: then the slot is given back first, so that the card
   * runs the other task's batch while this one reads (the slot covers device work only).
   */
  private void advance() {
    current = null;
    if (pending == null) {
      if (!hasInput()) {
        return;
      }
      first.read(sizer.rows(true), sizer.timing());
      launch(first);
      pending = first;
    }
    Batch done = pending;
    pending = null;
    // After a timed batch the next read may be timed too: it waits for this one to finish.
    boolean prefetch = second != null && !done.timed && !runner.gate().contended() && hasInput();
    Batch following = done == first ? second : first;
    if (prefetch) {
      following.read(sizer.rows(false), false); // while the device runs `done`
    }
    finish(done);
    if (prefetch) {
      launch(following);
      pending = following;
    }
    current = done;
  }

  private boolean hasInput() {
    return carried != null || input.hasNext();
  }

  /** Starts the batch's forward on the device; its outputs are read by {@link #finish}. */
  private void launch(Batch batch) {
    int good = batch.encoder.rows();
    if (good == 0) {
      return;
    }
    batch.manager = runner.manager().newSubManager();
    metrics.gpuWait(runner.gate().enter());
    batch.inGate = true;
    metrics.forward();
    long encodeStart = System.nanoTime();
    long forwardStart = encodeStart;
    try {
      NDList inputs = batch.encoder.toInputs(batch.manager, 0, good, runner.floatType());
      forwardStart = System.nanoTime();
      batch.encodeNanos += forwardStart - encodeStart;
      batch.output = runner.forward().apply(inputs);
    } catch (TranslateException | RuntimeException e) {
      batch.failure = e;
    }
    long launched = System.nanoTime();
    batch.forwardNanos = launched - forwardStart;
    batch.timedNanos = launched - encodeStart;
  }

  /** Reads the launched batch's predictions, splitting it when it failed, and closes its tensors. */
  private void finish(Batch batch) {
    int good = batch.encoder.rows();
    long decodeStart = System.nanoTime();
    try {
      if (good > 0) {
        Exception failure = batch.failure;
        try {
          if (failure == null) {
            batch.output.attach(batch.manager);
            metrics.nanOutputs(nanValues(batch.output));
            batch.store(0, batch.output, good);
          }
        } catch (RuntimeException e) {
          failure = e; // a device error can surface only when the outputs are read
        } finally {
          batch.exitGate();
        }
        if (failure != null) {
          failed(batch, 0, good, failure);
        }
      }
    } finally {
      batch.release();
    }
    if (good > 0) {
      long decodeNanos = System.nanoTime() - decodeStart;
      metrics.batchTimed(batch.encodeNanos, batch.forwardNanos, decodeNanos);
      if (batch.timed) {
        timed(batch, good, batch.timedNanos + decodeNanos);
      }
    }
    for (int i = 0; i < batch.size; i++) {
      if (batch.rowErrors[i] == null && batch.slotErrors[batch.slots[i]] != null) {
        badRow(batch.rows[i], batch.start + i, batch.slotErrors[batch.slots[i]]);
      }
    }
  }

  /** Tells the sizer how a timed batch went: its time, or the bound it met. */
  private void timed(Batch batch, int good, long nanos) {
    if (batch.outOfMemory) {
      sizer.outOfMemory(batch.asked, batch.fitted);
    } else if (batch.bytesCut) {
      sizer.bytesBound(batch.asked, batch.size);
    } else {
      sizer.timed(batch.asked, good, nanos);
    }
  }

  /** Runs slots {@code [from, to)} of a batch whose full forward failed, synchronously. */
  private void predict(Batch batch, int from, int to) {
    Exception failure = null;
    metrics.gpuWait(runner.gate().enter());
    try {
      metrics.forward();
      NDList output = null;
      try {
        output = runner.forward().apply(batch.encoder.toInputs(batch.manager, from, to, runner.floatType()));
      } catch (TranslateException | RuntimeException e) {
        failure = e;
      }
      if (output != null) {
        output.attach(batch.manager);
        metrics.nanOutputs(nanValues(output));
        batch.store(from, output, to - from);
      }
    } finally {
      runner.gate().exit();
    }
    if (failure != null) {
      failed(batch, from, to, failure);
    }
  }

  /** Counts the NaN values of a forward's floating-point outputs, on their device. */
  private static long nanValues(NDList output) {
    long nan = 0;
    for (NDArray array : output) {
      if (array.getDataType().isFloating()) {
        nan += array.isNaN().countNonzero().getLong();
      }
    }
    return nan;
  }

  /**
   * Handles a failed forward of slots {@code [from, to)}: out of memory splits them whatever the
   * error policy (the rows are not bad); a model failure fails the task, or splits the slots
   * until the failing rows are isolated.
   */
  private void failed(Batch batch, int from, int to, Exception failure) {
    if (TorchErrors.isOutOfMemory(failure) && to - from > 1) {
      metrics.outOfMemorySplit();
      splitOnOutOfMemory = true;
      batch.outOfMemory = true;
    } else if (onError == OnError.FAIL) {
      throw new TorchScoreException(
          failure,
          "Cannot score rows %s to %s of partition %s: the model failed: %s; fix the input or"
              + " set %s=skip or null to isolate the failing rows",
          batch.start,
          batch.start + batch.size - 1,
          naming.partition(),
          TorchErrors.summary(failure),
          ConfKeys.ON_ERROR);
    } else if (to - from == 1) {
      batch.slotErrors[from] =
          new RowError(ErrorReason.MODEL_ERROR, null, "the model failed on this row: " + TorchErrors.summary(failure));
      return;
    }
    int middle = (from + to) >>> 1;
    predict(batch, from, middle);
    predict(batch, middle, to);
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
    if (closed) {
      return;
    }
    closed = true;
    sizer.finished();
    metrics.partitionFinished();
    try (AutoCloseable resources = runner.resources();
        BatchEncoder firstEncoder = first.encoder;
        BatchEncoder secondEncoder = second == null ? null : second.encoder) {
      if (pending != null) {
        pending.exitGate();
        pending.release();
      }
      RowArenas.give(first.arena);
      if (second != null) {
        RowArenas.give(second.arena);
      }
    } catch (Exception e) {
      throw new IllegalStateException("Cannot close the partition's predictor", e);
    }
  }

  /** One batch's rows, their encoded features and, once read, their predictions. */
  private final class Batch {
    // Sized by the first read, and grown when a later one asks for more rows.
    private BatchEncoder encoder;
    private InternalRow[] rows = new InternalRow[0];
    private RowError[] rowErrors;
    private int[] slots;
    private BatchPredictions predictions;
    private RowError[] slotErrors;
    private UnsafeRow[] keptRows = new UnsafeRow[0];
    private final SpecificInternalRow appended = new SpecificInternalRow(appendedSchema);
    private final JoinedRow emitted = new JoinedRow();
    private byte[] arena = new byte[0];
    private int arenaUsed;
    private int size;
    private int next;
    private long start;
    private NDManager manager;
    private NDList output;
    private Exception failure;
    private boolean inGate;
    // This batch's time so far: reading and encoding its rows, and its forward call.
    private long encodeNanos;
    private long forwardNanos;
    // Timed for the sizer: the rows asked for, the tensors' copies, forward and decode, and
    // whether the device ran out of memory (then the most rows that fitted) or the bytes cut it.
    private int asked;
    private boolean timed;
    private long timedNanos;
    private boolean outOfMemory;
    private int fitted;
    private boolean bytesCut;

    /** Makes room for a batch of {@code capacity} rows, keeping what it has when it has room. */
    private void ensure(int capacity) {
      if (capacity <= rows.length) {
        return;
      }
      if (encoder != null) {
        encoder.close();
      }
      encoder = encoders.apply(capacity);
      rows = new InternalRow[capacity];
      rowErrors = new RowError[capacity];
      slots = new int[capacity];
      predictions = outputs.predictions(capacity);
      slotErrors = new RowError[capacity];
      keptRows = Arrays.copyOf(keptRows, capacity);
    }

    /**
     * Reads up to {@code limit} rows, and up to the batch's bytes (a row larger than that makes a
     * batch of its own); the bad ones are left out of the encoder.
     */
    void read(int limit, boolean timing) {
      long readStart = System.nanoTime();
      ensure(limit);
      asked = limit;
      timed = timing;
      outOfMemory = false;
      fitted = 0;
      encoder.reset();
      Arrays.fill(slotErrors, null);
      size = 0;
      next = 0;
      start = position;
      arenaUsed = 0;
      long held = 0;
      while (size < limit && hasInput()) {
        boolean wasCarried = carried != null;
        InternalRow arriving = wasCarried ? carried : input.next();
        InternalRow written = packing.split() ? arriving.getStruct(0, packing.heldFields()) : arriving;
        long bytes = wasCarried ? carriedBytes : batchBytes.of(written);
        carried = null;
        if (!batchBytes.fits(held, bytes)) {
          carried = arriving.copy(); // its own copy: the input reuses its row
          carriedBytes = bytes;
          break;
        }
        held += bytes;
        // A carried row is its own copy already; any other is kept until it is emitted.
        InternalRow row = wasCarried ? written : keep(written, size);
        RowError error = encoder.add(packing.split() ? arriving.getStruct(1, packing.allFields()) : row);
        if (error != null) {
          badRow(row, position, error);
        }
        rows[size] = row;
        rowErrors[size] = error;
        slots[size] = error == null ? encoder.rows() - 1 : -1;
        size++;
        position++;
      }
      bytesCut = carried != null;
      metrics.nonFiniteInputs(encoder.nanValues(), encoder.infiniteValues());
      encodeNanos = System.nanoTime() - readStart;
      forwardNanos = 0;
    }

    /**
     * Keeps a row until it is emitted, since scans reuse their row object: a view of a columnar
   * batch (each row its own view) is kept as it is; an {@code UnsafeRow}
     * (what a scan gives) is copied into the batch's arena, a byte array reused from batch to
     * batch (and, through {@link RowArenas}, by the thread's next partitions), and read through
     * the slot's own row object; any other row is copied.
     */
    private InternalRow keep(InternalRow row, int slot) {
      if (row instanceof ColumnarRow) {
        return row; // a view of a column vector, valid until the segment's rows are emitted
      }
      if (!(row instanceof UnsafeRow unsafe)) {
        return row.copy();
      }
      int bytes = unsafe.getSizeInBytes();
      if (arenaUsed + bytes > arena.length) {
        // Rows kept earlier in this batch hold the old arena until they are emitted. The new one
        // has room for the rest of the batch in rows of this size (at most the batch's bytes),
        // so that a batch of images does not grow it a dozen times.
        long rest = Math.min((long) bytes * (asked - slot), batchBytes.max());
        long size = Math.max(Math.max(bytes, MIN_ARENA_BYTES), Math.max(rest, 2L * arena.length));
        arena = RowArenas.take((int) Math.min(size, MAX_ARENA_BYTES));
        arenaUsed = 0;
      }
      long at = Platform.BYTE_ARRAY_OFFSET + arenaUsed;
      Platform.copyMemory(unsafe.getBaseObject(), unsafe.getBaseOffset(), arena, at, bytes);
      arenaUsed += bytes;
      UnsafeRow kept = keptRows[slot];
      if (kept == null || kept.numFields() != unsafe.numFields()) {
        kept = new UnsafeRow(unsafe.numFields());
        keptRows[slot] = kept;
      }
      kept.pointTo(arena, at, bytes);
      return kept;
    }

    /** Decodes the predictions of slots {@code [from, from + rows)} from a forward's outputs. */
    void store(int from, NDList output, int rows) {
      outputs.decode(output, rows, predictions, from);
      metrics.scored(rows);
      if (outOfMemory) {
        fitted = Math.max(fitted, rows);
      }
      if (splitOnOutOfMemory && rows < smallestFitted) {
        smallestFitted = rows;
        metrics.fittedAfterOutOfMemory(smallestFitted);
      }
    }

    InternalRow emit() {
      InternalRow row = rows[next];
      RowError error = rowErrors[next] != null ? rowErrors[next] : slotErrors[slots[next]];
      if (error == null) {
        predictions.write(slots[next], appended);
        if (appended.numFields() > predictionColumns) {
          appended.setNullAt(predictionColumns);
        }
      } else {
        for (int i = 0; i < appended.numFields(); i++) {
          appended.setNullAt(i);
        }
        appended.update(appended.numFields() - 1, UTF8String.fromString(error.message()));
      }
      rows[next] = null;
      next++;
      // Like a scan's rows, the row returned is valid until the next one is asked for.
      return emitted.apply(row, appended);
    }

    void exitGate() {
      if (inGate) {
        inGate = false;
        runner.gate().exit();
      }
    }

    void release() {
      if (manager != null) {
        manager.close();
        manager = null;
      }
      output = null;
      failure = null;
    }
  }
}
