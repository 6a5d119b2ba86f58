package io.torchscore.tensor;

import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;

/** Reads a Spark ML vector column, dense or sparse, of a fixed size. */
final class VectorReader implements FeatureReader {

  private static final long serialVersionUID = 1L;

  private final int index;
  private final String column;
  private final int width;

  VectorReader(int index, String column, int width) {
    this.index = index;
    this.column = column;
    this.width = width;
  }

  @Override
  public RowError read(Row row, ValueSink sink) {
    if (row.isNullAt(index)) {
      return new RowError(ErrorReason.NULL_FEATURES, column, "is null");
    }
    Vector vector = (Vector) row.get(index);
    if (vector.size() != width) {
      return new RowError(
          ErrorReason.WRONG_SHAPE,
          column,
          "is a vector of size " + vector.size() + "; the model input takes " + width);
    }
    if (vector instanceof SparseVector sparse) {
      for (int i = 0; i < width; i++) {
        sink.putFloat(i, 0f);
      }
      int[] indices = sparse.indices();
      double[] values = sparse.values();
      for (int i = 0; i < indices.length; i++) {
        sink.putFloat(indices[i], (float) values[i]);
      }
    } else {
      double[] values = ((DenseVector) vector).values();
      for (int i = 0; i < width; i++) {
        sink.putFloat(i, (float) values[i]);
      }
    }
    return null;
  }
}
