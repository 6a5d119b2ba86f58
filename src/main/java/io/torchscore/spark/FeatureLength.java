package io.torchscore.spark;

import static org.apache.spark.sql.functions.col;

import io.torchscore.TorchScoreException;
import io.torchscore.config.ConfKeys;
import io.torchscore.tensor.MlVectors;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Finds the length of an array or vector feature column that {@code spark.torchscore.input.shape}
 * does not give: from a Spark ML vector's attributes, else from the column's first value.
 */
final class FeatureLength {

  private FeatureLength() {}

  /**
   * Returns a Spark ML vector column's size from its ML attributes, when they give one (as
   * {@code VectorAssembler} sets them).
   *
   * @param schema the input's schema
   * @param column the feature column
   * @return the size, or empty for another column type or a vector without a size
   */
  static Optional<Integer> fromAttributes(StructType schema, String column) {
    if (!Arrays.asList(schema.fieldNames()).contains(column)) {
      return Optional.empty();
    }
    StructField field = schema.apply(column);
    if (!MlVectors.isVector(field.dataType())) {
      return Optional.empty();
    }
    int size = org.apache.spark.ml.attribute.AttributeGroup.fromStructField(field).size();
    return size > 0 ? Optional.of(size) : Optional.empty();
  }

  /**
   * Returns the length of the first non-null array or vector in the column: a one-row peek.
   *
   * @param input the rows to score
   * @param column the feature column
   * @return the length
   * @throws TorchScoreException naming the setting to set when the input is a stream or the
   *     column has no value
   */
  static int ofFirstValue(Dataset<Row> input, String column) {
    TorchScoreException.check(
        !input.isStreaming(),
        "Cannot score a stream: the length of feature column '%s' is unknown; set %s",
        column,
        ConfKeys.INPUT_SHAPE);
    List<Row> first = input.select(col(column)).where(col(column).isNotNull()).limit(1).collectAsList();
    TorchScoreException.check(
        !first.isEmpty(),
        "Cannot score: feature column '%s' has no value to learn the input's length from; set %s",
        column,
        ConfKeys.INPUT_SHAPE);
    // Spark ML's classes are touched only for a vector column: spark-mllib may be absent.
    return MlVectors.isVector(input.schema().apply(column).dataType())
        ? ((org.apache.spark.ml.linalg.Vector) first.get(0).get(0)).size()
        : first.get(0).getList(0).size();
  }
}
