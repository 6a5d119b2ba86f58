package io.torchscore.tensor;

import io.torchscore.TorchScoreException;
import io.torchscore.config.ConfKeys;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Where a row's features are: one numeric array column, or numeric columns assembled in order.
 * Resolved once against the input schema on the driver.
 */
public final class FeatureLayout implements Serializable {

  private static final long serialVersionUID = 1L;

  private final List<String> columns;
  private final int[] indexes;
  private final boolean arrayColumn;

  private FeatureLayout(List<String> columns, int[] indexes, boolean arrayColumn) {
    this.columns = List.copyOf(columns);
    this.indexes = indexes;
    this.arrayColumn = arrayColumn;
  }

  /**
   * Resolves feature column names against a schema.
   *
   * @param features one array column, or numeric columns
   * @param schema the input schema
   * @return the layout
   * @throws TorchScoreException naming the column when it is missing or of a type that cannot be
   *     a feature
   */
  public static FeatureLayout resolve(List<String> features, StructType schema) {
    List<String> names = Arrays.asList(schema.fieldNames());
    int[] indexes = new int[features.size()];
    for (int i = 0; i < features.size(); i++) {
      String column = features.get(i);
      TorchScoreException.check(
          names.contains(column),
          "Cannot score: feature column '%s' (%s) is not in the input; columns are %s",
          column,
          ConfKeys.FEATURES,
          names);
      indexes[i] = schema.fieldIndex(column);
    }
    StructField first = schema.fields()[indexes[0]];
    if (features.size() == 1 && first.dataType() instanceof ArrayType array) {
      TorchScoreException.check(
          array.elementType() instanceof NumericType,
          "Cannot score: feature column '%s' is %s; expected an array of float or double",
          first.name(),
          first.dataType().simpleString());
      return new FeatureLayout(features, indexes, true);
    }
    for (int index : indexes) {
      StructField field = schema.fields()[index];
      TorchScoreException.check(
          field.dataType() instanceof NumericType,
          "Cannot score: feature column '%s' is %s; expected a numeric column, or a single"
              + " array<float|double> column",
          field.name(),
          field.dataType().simpleString());
    }
    return new FeatureLayout(features, indexes, false);
  }

  /**
   * Returns whether the features are one array column.
   *
   * @return true for an array column, false for numeric columns
   */
  public boolean isArrayColumn() {
    return arrayColumn;
  }

  /**
   * Returns the feature columns' names.
   *
   * @return the names, in order
   */
  public List<String> columns() {
    return columns;
  }

  /**
   * Returns the number of features per row: the column count, or the array length in a sample row.
   *
   * @param sample a row of the input
   * @return the feature width
   * @throws TorchScoreException when the sample row's array is null
   */
  public int width(Row sample) {
    if (!arrayColumn) {
      return indexes.length;
    }
    TorchScoreException.check(
        !sample.isNullAt(indexes[0]),
        "Cannot score row 0 of the sample: feature column '%s' is null",
        columns.get(0));
    return sample.getList(indexes[0]).size();
  }

  int index(int feature) {
    return indexes[feature];
  }

  int columnCount() {
    return indexes.length;
  }

  @Override
  public String toString() {
    return (arrayColumn ? "array column " : "columns ") + String.join(",", columns);
  }
}
