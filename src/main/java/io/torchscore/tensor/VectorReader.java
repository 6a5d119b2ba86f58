package io.torchscore.tensor;

/**
 * Reads a Spark ML vector column, dense or sparse, of a fixed size, from its stored form
 * {@code struct<type: tinyint, size: int, indices: array<int>, values: array<double>>}
 * (type 0 sparse, 1 dense).
 */
final class VectorReader implements FeatureReader {

  private static final long serialVersionUID = 1L;

  private static final int FIELDS = 4;
  private static final byte SPARSE = 0;

  private final int index;
  private final String column;
  private final int width;

  VectorReader(int index, String column, int width) {
    this.index = index;
    this.column = column;
    this.width = width;
  }

  @Override
  public RowError read(RowValues row, ValueSink sink) {
    if (row.isNullAt(index)) {
      return new RowError(ErrorReason.NULL_FEATURES, column, "is null");
    }
    RowValues vector = row.getStruct(index, FIELDS);
    boolean sparse = vector.getByte(0) == SPARSE;
    ArrayValues values = vector.getArray(3);
    int size = sparse ? vector.getInt(1) : values.size();
    if (size != width) {
      return new RowError(
          ErrorReason.WRONG_SHAPE, column, "is a vector of size " + size + "; the model input takes " + width);
    }
    if (sparse) {
      for (int i = 0; i < width; i++) {
        sink.putFloat(i, 0f);
      }
      ArrayValues indices = vector.getArray(2);
      for (int i = 0; i < indices.size(); i++) {
        sink.putDouble(indices.getInt(i), values.getDouble(i));
      }
    } else {
      for (int i = 0; i < width; i++) {
        sink.putDouble(i, values.getDouble(i));
      }
    }
    return null;
  }
}
