package io.torchscore.tensor;

import java.util.List;

/**
 * Reads numeric columns, in order, as one input. Text columns (as CSV without a schema gives)
 * are parsed as a CSV reader would ({@link DecimalText}); a value that is not a number is a bad
 * row.
 */
final class ColumnsReader implements FeatureReader {

  private static final long serialVersionUID = 1L;

  private final int[] indexes;
  private final List<String> columns;
  private final NumberGetter[] getters;

  /** A null getter marks a text column. */
  ColumnsReader(int[] indexes, List<String> columns, NumberGetter[] getters) {
    this.indexes = indexes;
    this.columns = List.copyOf(columns);
    this.getters = getters;
  }

  @Override
  public RowError read(RowValues row, ValueSink sink) {
    for (int i = 0; i < indexes.length; i++) {
      int index = indexes[i];
      if (row.isNullAt(index)) {
        return new RowError(ErrorReason.NULL_FEATURES, columns.get(i), "is null");
      }
      if (getters[i] != null) {
        getters[i].copy(row, index, sink, i);
        continue;
      }
      String text = row.getString(index);
      Double value = DecimalText.parse(text);
      if (value == null) {
        return new RowError(
            ErrorReason.UNPARSEABLE,
            columns.get(i),
            "holds '" + text + "', not a number (" + DecimalText.FORMS + ")");
      }
      sink.putDouble(i, value);
    }
    return null;
  }
}
