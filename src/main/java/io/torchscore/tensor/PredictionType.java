package io.torchscore.tensor;

import ai.djl.ndarray.types.Shape;
import io.torchscore.TorchScoreException;
import java.io.Serializable;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * The shape of one row's prediction, learned from the model's output on a sample batch: a scalar
 * (output {@code [B]} or {@code [B, 1]}) or a vector of {@code width} values (output {@code [B, k]}).
 *
 * @param width 1 for a scalar, else the vector length
 * @param vector whether the column is an array
 */
public record PredictionType(int width, boolean vector) implements Serializable {

  /**
   * Derives the prediction type from the shape of a model output.
   *
   * @param output the output's shape for a batch of {@code rows}
   * @param rows the batch's row count
   * @return the prediction type
   * @throws TorchScoreException when the output is not one value or one vector per row
   */
  public static PredictionType of(Shape output, long rows) {
    TorchScoreException.check(
        output.dimension() >= 1 && output.get(0) == rows && output.dimension() <= 2,
        "Cannot score: the model returned shape %s for a batch of %s rows; expected [%s],"
            + " [%s, 1] or [%s, k]",
        output,
        rows,
        rows,
        rows,
        rows);
    if (output.dimension() == 1 || output.get(1) == 1) {
      return new PredictionType(1, false);
    }
    return new PredictionType(Math.toIntExact(output.get(1)), true);
  }

  /**
   * Returns the Spark type of the prediction column.
   *
   * @return {@code float} or {@code array<float>}
   */
  public DataType sparkType() {
    return vector ? DataTypes.createArrayType(DataTypes.FloatType, false) : DataTypes.FloatType;
  }
}
