package io.torchscore.tensor;

import java.util.List;
import org.apache.spark.sql.Row;

/** Reads a numeric array column of a fixed length. */
final class ArrayReader implements FeatureReader {

  private static final long serialVersionUID = 1L;

  private final int index;
  private final String column;
  private final int width;

  ArrayReader(int index, String column, int width) {
    this.index = index;
    this.column = column;
    this.width = width;
  }

  @Override
  public RowError read(Row row, ValueSink sink) {
    if (row.isNullAt(index)) {
      return new RowError(ErrorReason.NULL_FEATURES, column, "is null");
    }
    List<Object> values = row.getList(index);
    if (values.size() != width) {
      return new RowError(
          ErrorReason.WRONG_SHAPE,
          column,
          "has " + values.size() + " values; the model input takes " + width);
    }
    for (int i = 0; i < width; i++) {
      Object value = values.get(i);
      if (value == null) {
        return new RowError(ErrorReason.NULL_ELEMENT, column, "has a null at index " + i);
      }
      sink.put(i, (Number) value);
    }
    return null;
  }
}
