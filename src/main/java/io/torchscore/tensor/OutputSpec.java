package io.torchscore.tensor;

import java.io.Serializable;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * One model output as a column: its name, the model's name for it (a dict key, or null), the
 * values per row and their type.
 *
 * @param column the column (or struct field) name
 * @param modelName the dict key the model returns it under, or null for a positional output
 * @param width values per row
 * @param scalar whether the column holds one value per row (output {@code [B]} or {@code [B, 1]})
 * @param int64 whether the values are integers (long) rather than floats
 */
public record OutputSpec(String column, String modelName, int width, boolean scalar, boolean int64)
    implements Serializable {

  /**
   * Returns the column's Spark type.
   *
   * @return float, bigint, array&lt;float&gt; or array&lt;bigint&gt;
   */
  public DataType sparkType() {
    DataType element = int64 ? DataTypes.LongType : DataTypes.FloatType;
    return scalar ? element : DataTypes.createArrayType(element, false);
  }
}
