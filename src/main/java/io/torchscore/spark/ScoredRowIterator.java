package io.torchscore.spark;

import io.torchscore.config.ScoreSettings.OnError;
import io.torchscore.sparkinternal.BatchBytes;
import io.torchscore.sparkinternal.ScoredRows;
import io.torchscore.tensor.BatchEncoder;
import io.torchscore.tensor.OutputLayout;
import io.torchscore.tensor.RowError;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.IntFunction;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Streams a partition's rows through the model: reads up to a batch of rows ({@link RowBatch}),
 * runs one forward for the good ones ({@link BatchForwards}), and yields each row with its
 * predictions appended, in input order. A bad row is handled by the error policy
 * ({@link BadRowPolicy}) without costing the good rows of its batch.
 *
 * <p>With prefetch (on a GPU), two batches alternate: while the device runs batch n, the task
 * reads and encodes batch n+1 (the DataLoader-workers idea, within one task). Tasks sharing a GPU
 * overlap each other instead: a task whose slot another task waits for skips the prefetch. On a
 * CPU the forward itself holds the thread, so there is nothing to overlap.
 *
 * <p>Each batch's rows come from a {@link BatchSizer}: fixed, or (batch.size=auto) growing while
 * the first batches are timed; a timed batch runs without prefetch, and its rows are scored as any.
 */
final class ScoredRowIterator implements ScoredRows {

  private final Iterator<InternalRow> input;
  private final ModelRunner runner;
  private final RowPacking packing;
  private final ScoreMetrics metrics;
  private final BatchBytes batchBytes;
  private final BatchSizer sizer;
  private final BadRowPolicy policy;
  private final BatchForwards forwards;
  private final RowBatch first;
  private final RowBatch second;
  // The batch whose rows are being returned, and (prefetching) the one running on the device.
  private RowBatch current;
  private RowBatch pending;
  private long position;
  private boolean closed;
  // Fed one input segment after another (columnar batches): the end of the input is not the end.
  private boolean segmented;
  // A row read that did not fit in its batch's bytes: the next batch starts with it.
  private InternalRow carried;
  private long carriedBytes;

  ScoredRowIterator(
      Iterator<InternalRow> input,
      ModelRunner runner,
      IntFunction<BatchEncoder> encoders,
      OutputLayout outputs,
      BatchSizer sizer,
      OnError onError,
      RowNaming naming,
      RowPacking packing,
      ScoreMetrics metrics,
      BatchBytes batchBytes) {
    this.input = input;
    this.runner = runner;
    this.packing = packing;
    this.metrics = metrics;
    this.batchBytes = batchBytes;
    this.sizer = sizer;
    this.policy = new BadRowPolicy(onError, naming, metrics);
    this.forwards = new BatchForwards(runner, metrics, policy, sizer);
    StructType appended = new StructType(outputs.fields().toArray(new StructField[0]));
    StructType appendedSchema = onError == OnError.FAIL ? appended : appended.add("error", DataTypes.StringType, true);
    this.first = new RowBatch(encoders, outputs, appendedSchema, batchBytes.max());
    this.second = runner.prefetch() ? new RowBatch(encoders, outputs, appendedSchema, batchBytes.max()) : null;
  }

  /**
   * Makes this iterator read its input as segments (a columnar batch's rows, then the next
   * batch's): its input may end and be refilled, so it closes only on {@link #close()}. A batch
   * never spans two segments, so a segment's rows are all emitted before the next one is read.
   */
  @Override
  public ScoredRowIterator segmented() {
    segmented = true;
    return this;
  }

  @Override
  public boolean hasNext() {
    if (current != null && current.hasRows()) {
      return true;
    }
    if (!closed) {
      advance();
      if (current != null && current.hasRows()) {
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
      read(first, sizer.rows(true), sizer.timing());
      forwards.launch(first);
      pending = first;
    }
    RowBatch done = pending;
    pending = null;
    // After a timed batch the next read may be timed too: it waits for this one to finish.
    boolean prefetch = second != null && !done.timed && !runner.gate().contended() && hasInput();
    RowBatch following = done == first ? second : first;
    if (prefetch) {
      read(following, sizer.rows(false), false); // while the device runs `done`
    }
    forwards.finish(done);
    if (prefetch) {
      forwards.launch(following);
      pending = following;
    }
    current = done;
  }

  private boolean hasInput() {
    return carried != null || input.hasNext();
  }

  /**
   * Reads up to {@code limit} rows into the batch, and up to the batch's bytes (a row larger than
   * that makes a batch of its own); the bad ones are left out of the encoder.
   */
  private void read(RowBatch batch, int limit, boolean timing) {
    long readStart = System.nanoTime();
    batch.begin(limit, timing, position);
    long held = 0;
    while (batch.size < limit && hasInput()) {
      boolean wasCarried = carried != null;
      InternalRow arriving = wasCarried ? carried : input.next();
      InternalRow written = packing.held(arriving);
      long bytes = wasCarried ? carriedBytes : batchBytes.of(written);
      carried = null;
      if (!batchBytes.fits(held, bytes)) {
        carried = arriving.copy(); // its own copy: the input reuses its row
        carriedBytes = bytes;
        break;
      }
      held += bytes;
      // A carried row is its own copy already; any other is kept until it is emitted.
      InternalRow row = wasCarried ? written : batch.hold(written);
      RowError error = batch.encode(packing.read(arriving, row));
      if (error != null) {
        policy.badRow(row, position, error);
      }
      batch.add(row, error);
      position++;
    }
    batch.bytesCut = carried != null;
    batch.inputCut = segmented && !batch.bytesCut && batch.size < limit;
    metrics.nonFiniteInputs(batch.encoder.nanValues(), batch.encoder.infiniteValues());
    batch.encodeNanos = System.nanoTime() - readStart;
    batch.forwardNanos = 0;
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
        RowBatch firstBatch = first;
        RowBatch secondBatch = second) {
      if (pending != null) {
        pending.exitGate(runner.gate());
        pending.release();
      }
    } catch (Exception e) {
      throw new IllegalStateException("Cannot close the partition's predictor", e);
    }
  }
}
