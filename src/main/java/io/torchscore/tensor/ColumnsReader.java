package io.torchscore.tensor;

import java.util.List;
import org.apache.spark.sql.Row;

/**
 * Reads numeric columns, in order, as one input. Text columns (as CSV without a schema gives)
 * are parsed; a value that is not a number is a bad row.
 */
final class ColumnsReader implements FeatureReader {

  private static final long serialVersionUID = 1L;

  private final int[] indexes;
  private final List<String> columns;

  ColumnsReader(int[] indexes, List<String> columns) {
    this.indexes = indexes;
    this.columns = List.copyOf(columns);
  }

  @Override
  public RowError read(Row row, ValueSink sink) {
    for (int i = 0; i < indexes.length; i++) {
      int index = indexes[i];
      if (row.isNullAt(index)) {
        return new RowError(ErrorReason.NULL_FEATURES, columns.get(i), "is null");
      }
      Object value = row.get(index);
      if (value instanceof String text) {
        try {
          sink.put(i, Double.valueOf(text.trim()));
        } catch (NumberFormatException e) {
          return new RowError(
              ErrorReason.UNPARSEABLE, columns.get(i), "holds '" + text + "', not a number");
        }
      } else {
        sink.put(i, (Number) value);
      }
    }
    return null;
  }
}
