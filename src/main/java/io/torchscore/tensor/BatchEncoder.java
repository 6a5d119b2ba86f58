package io.torchscore.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects up to {@code batchSize} good rows into one tensor per model input. A row with a bad
 * value is not added, so it never costs the good rows of its batch.
 *
 * <p>One encoder serves one partition on one thread: its buffers are overwritten by the next
 * batch, so the batch's tensors must be closed before {@link #reset()}. It is closed at the end of
 * its partition, which gives its buffers to the next one; an encoder that feeds a GPU is
 * {@link #pinned()}.
 */
public final class BatchEncoder implements AutoCloseable {

  private final List<InputBuffer> buffers = new ArrayList<>();
  private final InputLayout layout;
  private final boolean rejectNaN;
  private int rows;
  private long nanValues;
  private long infiniteValues;

  /**
   * Creates an encoder.
   *
   * @param layout the model's inputs
   * @param batchSize the most rows per batch
   * @param rejectNaN whether NaN and infinite values make a row bad
   */
  public BatchEncoder(InputLayout layout, int batchSize, boolean rejectNaN) {
    for (InputSpec spec : layout.inputs()) {
      buffers.add(new InputBuffer(spec, batchSize));
    }
    this.layout = layout;
    this.rejectNaN = rejectNaN;
  }

  /**
   * Adds one row's features to the batch, unless one of them is bad.
   *
   * @param row the input row
   * @return null when the row was added, else what was wrong with it
   */
  public RowError add(RowValues row) {
    RowError malformed = layout.malformed(row);
    if (malformed != null) {
      return malformed;
    }
    long nan = 0;
    long infinite = 0;
    RowError error = null;
    for (InputBuffer buffer : buffers) {
      error = buffer.write(row, rows, rejectNaN);
      nan += buffer.rowNaN();
      infinite += buffer.rowInfinite();
      if (error != null) {
        break;
      }
    }
    // Counted for rows whose features were read, a NaN the row was rejected for included.
    if (error == null || error.reason() == ErrorReason.NAN) {
      nanValues += nan;
      infiniteValues += infinite;
    }
    if (error == null) {
      rows++;
    }
    return error;
  }

  /**
   * Returns the NaN feature values read since the last reset.
   *
   * @return the count
   */
  public long nanValues() {
    return nanValues;
  }

  /**
   * Returns the infinite feature values read since the last reset (as float32 holds them).
   *
   * @return the count
   */
  public long infiniteValues() {
    return infiniteValues;
  }

  /**
   * Returns the rows added since the last reset.
   *
   * @return the row count
   */
  public int rows() {
    return rows;
  }

  /**
   * Returns the batch's rows {@code [from, to)} as one tensor per input, sharing the buffers.
   *
   * @param manager the per-batch manager that owns the tensors
   * @param from the first row
   * @param to one past the last row
   * @param floatType the model's float type: float inputs are cast to it on the manager's device
   * @return the model's inputs, on the manager's device
   */
  public NDList toInputs(NDManager manager, int from, int to, DataType floatType) {
    NDList inputs = new NDList(buffers.size());
    for (InputBuffer buffer : buffers) {
      NDArray tensor = buffer.tensor(manager, from, to);
      if (tensor.getDataType() == DataType.FLOAT32 && floatType != DataType.FLOAT32) {
        tensor = tensor.toType(floatType, false);
      }
      inputs.add(tensor);
    }
    return inputs;
  }

  /** Starts a new batch. */
  public void reset() {
    rows = 0;
    nanValues = 0;
    infiniteValues = 0;
  }

  /**
   * Page-locks the batch buffers, for an encoder that feeds a GPU: the copy to the device then
   * reads them by DMA (PyTorch's {@code pin_memory=True}). Without CUDA nothing changes.
   *
   * @return this encoder
   */
  public BatchEncoder pinned() {
    buffers.forEach(InputBuffer::pin);
    return this;
  }

  /** Gives the buffers back for the next partitions (pinned ones stay pinned); the encoder is not used afterwards. */
  @Override
  public void close() {
    buffers.forEach(InputBuffer::release);
  }
}
