package io.torchscore.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.torchscore.TorchScoreException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;
import org.apache.spark.sql.Row;

/**
 * Writes the features of up to {@code batchSize} rows into one reused direct buffer and hands it
 * to DJL as a {@code [rows, width]} float32 tensor without a copy.
 *
 * <p>One encoder serves one partition on one thread: the buffer is overwritten by the next batch,
 * so the tensor must be closed before {@link #reset()}.
 */
public final class BatchEncoder {

  private final FeatureLayout layout;
  private final int width;
  private final ByteBuffer bytes;
  private final FloatBuffer floats;
  private int rows;

  /**
   * Creates an encoder.
   *
   * @param layout where the features are
   * @param width the number of features per row
   * @param batchSize the most rows per batch
   */
  public BatchEncoder(FeatureLayout layout, int width, int batchSize) {
    this.layout = layout;
    this.width = width;
    this.bytes = ByteBuffer.allocateDirect(Math.multiplyExact(width, batchSize) * Float.BYTES)
        .order(ByteOrder.nativeOrder());
    this.floats = bytes.asFloatBuffer();
  }

  /**
   * Appends one row's features to the batch.
   *
   * @param row the input row
   * @param position the row's position in its partition, for messages
   * @throws TorchScoreException naming the column and row when the features are null or of the
   *     wrong length
   */
  public void add(Row row, long position) {
    int offset = rows * width;
    if (layout.isArrayColumn()) {
      addArray(row, position, offset);
    } else {
      for (int i = 0; i < width; i++) {
        int index = layout.index(i);
        TorchScoreException.check(
            !row.isNullAt(index),
            "Cannot score row %s of the partition: feature column '%s' is null",
            position,
            layout.columns().get(i));
        floats.put(offset + i, ((Number) row.get(index)).floatValue());
      }
    }
    rows++;
  }

  private void addArray(Row row, long position, int offset) {
    int index = layout.index(0);
    String column = layout.columns().get(0);
    TorchScoreException.check(
        !row.isNullAt(index),
        "Cannot score row %s of the partition: feature column '%s' is null",
        position,
        column);
    List<Object> values = row.getList(index);
    TorchScoreException.check(
        values.size() == width,
        "Cannot score row %s of the partition: feature column '%s' has %s values; the model"
            + " takes %s",
        position,
        column,
        values.size(),
        width);
    for (int i = 0; i < width; i++) {
      Object value = values.get(i);
      TorchScoreException.check(
          value != null,
          "Cannot score row %s of the partition: feature column '%s' has a null at index %s",
          position,
          column,
          i);
      floats.put(offset + i, ((Number) value).floatValue());
    }
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
   * Returns the batch as a float32 tensor of shape {@code [rows, width]} that shares this
   * encoder's buffer.
   *
   * @param manager the per-batch manager that owns the tensor
   * @return the tensor
   */
  public NDArray toTensor(NDManager manager) {
    // DJL wraps a direct buffer in place (torch::from_blob); only its first rows are this batch's.
    ByteBuffer batch = bytes.duplicate().limit(rows * width * Float.BYTES).slice();
    return manager.create(batch, new Shape(rows, width), DataType.FLOAT32);
  }

  /** Starts a new batch. */
  public void reset() {
    rows = 0;
  }
}
