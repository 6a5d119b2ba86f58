package io.torchscore.spark;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.torchscore.model.GpuGate;
import io.torchscore.sparkinternal.AppendedColumns;
import io.torchscore.sparkinternal.HeldRows;
import io.torchscore.sparkinternal.InternalRowValues;
import io.torchscore.sparkinternal.SparkOutputValues;
import io.torchscore.tensor.BatchEncoder;
import io.torchscore.tensor.BatchPredictions;
import io.torchscore.tensor.OutputLayout;
import io.torchscore.tensor.RowError;
import java.util.Arrays;
import java.util.function.IntFunction;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.StructType;

/**
 * One batch of a partition: its held rows, their encoded features, each row's error or slot in
 * the tensor, and once the forward is read, the predictions; then its rows are emitted with their
 * predictions appended, in input order. Its state is filled by {@link ScoredRowIterator} and run
 * by {@link BatchForwards}; its native memory lives in its own manager, released once read.
 */
final class RowBatch implements AutoCloseable {

  /** What happens to a row whose forward failed: given the row held, its position and its error. */
  @FunctionalInterface
  interface SlotErrorHandler {
    void failed(InternalRow row, long position, RowError error);
  }

  private final IntFunction<BatchEncoder> encoders;
  private final OutputLayout outputs;
  private final HeldRows held;
  private final int predictionColumns;
  private final AppendedColumns appended;
  private final InternalRowValues features = new InternalRowValues();
  private final SparkOutputValues predictionValues = new SparkOutputValues();
  // Sized by the first read, and grown when a later one asks for more rows.
  private InternalRow[] rows = new InternalRow[0];
  private RowError[] rowErrors;
  private int[] slots;
  private BatchPredictions predictions;
  private RowError[] slotErrors;
  private int next;

  BatchEncoder encoder;
  int size;
  long start;
  // The forward's tensors, in a manager of their own, and its failure.
  NDManager manager;
  NDList output;
  Exception failure;
  boolean inGate;
  // This batch's time so far: reading and encoding its rows, and its forward call.
  long encodeNanos;
  long forwardNanos;
  // Timed for the sizer: the rows asked for, the tensors' copies, forward and decode, and
  // whether the device ran out of memory (then the most rows that fitted), the bytes cut it, or
  // its input's batch (a columnar batch) ended before it filled.
  int asked;
  boolean timed;
  long timedNanos;
  boolean outOfMemory;
  int fitted;
  boolean bytesCut;
  boolean inputCut;

  /**
   * @param encoders makes an encoder for a batch of so many rows
   * @param outputs how predictions are decoded
   * @param appendedSchema the columns appended to each row: the predictions, then (unless failing) the error
   * @param maxBytes the most bytes of rows the batch holds
   */
  RowBatch(IntFunction<BatchEncoder> encoders, OutputLayout outputs, StructType appendedSchema, long maxBytes) {
    this.encoders = encoders;
    this.outputs = outputs;
    this.held = new HeldRows(maxBytes, RowArenas::take, RowArenas::give);
    this.predictionColumns = outputs.columnCount();
    this.appended = new AppendedColumns(appendedSchema);
  }

  /** Starts reading up to {@code limit} rows, the first at {@code start} of the partition. */
  void begin(int limit, boolean timing, long start) {
    ensure(limit);
    asked = limit;
    timed = timing;
    outOfMemory = false;
    fitted = 0;
    encoder.reset();
    Arrays.fill(slotErrors, null);
    size = 0;
    next = 0;
    this.start = start;
    held.clear();
  }

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
    predictions = outputs.predictions(capacity, predictionValues);
    slotErrors = new RowError[capacity];
    held.ensure(capacity);
  }

  /** Returns the row kept until it is emitted (see {@link HeldRows}). */
  InternalRow hold(InternalRow row) {
    return held.keep(row, size, asked - size);
  }

  /** Encodes a row's features into the batch's tensors; returns what was wrong with them, or null. */
  RowError encode(InternalRow row) {
    return encoder.add(features.of(row));
  }

  /** Adds a held row: its features were encoded, or it is bad with {@code error}. */
  void add(InternalRow row, RowError error) {
    rows[size] = row;
    rowErrors[size] = error;
    slots[size] = error == null ? encoder.rows() - 1 : -1;
    size++;
  }

  /** Decodes the predictions of slots {@code [from, from + count)} from a forward's outputs. */
  void store(int from, NDList forwardOutput, int count) {
    outputs.decode(forwardOutput, count, predictions, from);
  }

  /** Marks a slot whose forward failed on its own row. */
  void slotFailed(int slot, RowError error) {
    slotErrors[slot] = error;
  }

  /** Hands each good row whose slot failed in the forward to the handler. */
  void slotErrors(SlotErrorHandler handler) {
    for (int i = 0; i < size; i++) {
      if (rowErrors[i] == null && slotErrors[slots[i]] != null) {
        handler.failed(rows[i], start + i, slotErrors[slots[i]]);
      }
    }
  }

  boolean hasRows() {
    return next < size;
  }

  /** Returns the next row with its predictions (or nulls and its error) appended. */
  InternalRow emit() {
    InternalRow row = rows[next];
    RowError error = rowErrors[next] != null ? rowErrors[next] : slotErrors[slots[next]];
    if (error == null) {
      predictions.write(slots[next], appended);
      if (appended.size() > predictionColumns) {
        appended.setNull(predictionColumns);
      }
    } else {
      for (int i = 0; i < appended.size(); i++) {
        appended.setNull(i);
      }
      appended.setString(appended.size() - 1, error.message());
    }
    rows[next] = null;
    next++;
    // Like a scan's rows, the row returned is valid until the next one is asked for.
    return appended.appendTo(row);
  }

  void exitGate(GpuGate gate) {
    if (inGate) {
      inGate = false;
      gate.exit();
    }
  }

  /** Frees the forward's tensors. */
  void release() {
    if (manager != null) {
      manager.close();
      manager = null;
    }
    output = null;
    failure = null;
  }

  @Override
  public void close() {
    try (BatchEncoder closing = encoder; HeldRows arena = held) {
      encoder = null;
    }
  }
}
