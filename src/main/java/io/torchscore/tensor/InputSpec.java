package io.torchscore.tensor;

import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * One model input: the columns it is read from, how, its tensor type and its per-row shape.
 *
 * @param columns the columns, in order
 * @param reader how a row's values are read
 * @param int64 whether the tensor is int64 (else float32)
 * @param rowShape the per-row shape; the tensor is {@code [rows, rowShape...]}
 */
public record InputSpec(List<String> columns, FeatureReader reader, boolean int64, long[] rowShape)
    implements Serializable {

  /**
   * Returns the number of values per row.
   *
   * @return the product of the row shape
   */
  public int width() {
    return Math.toIntExact(Arrays.stream(rowShape).reduce(1, Math::multiplyExact));
  }

  /**
   * Returns the tensor's element type.
   *
   * @return int64 or float32
   */
  public DataType dataType() {
    return int64 ? DataType.INT64 : DataType.FLOAT32;
  }

  /**
   * Returns the tensor's shape for a batch.
   *
   * @param rows the batch's rows
   * @return {@code [rows, rowShape...]}
   */
  public Shape batchShape(long rows) {
    long[] dims = new long[rowShape.length + 1];
    dims[0] = rows;
    System.arraycopy(rowShape, 0, dims, 1, rowShape.length);
    return new Shape(dims);
  }

  /**
   * Describes the tensor for a batch in messages.
   *
   * @param rows the batch's rows
   * @return e.g. {@code float32 [2, 10]}
   */
  public String describeTensor(long rows) {
    return dataType().name().toLowerCase(java.util.Locale.ROOT)
        + " "
        + Arrays.toString(batchShape(rows).getShape());
  }

  /**
   * Names the input in messages.
   *
   * @return e.g. {@code columns a,b,c}
   */
  public String describe() {
    return (columns.size() == 1 ? "column " : "columns ") + String.join(",", columns);
  }
}
