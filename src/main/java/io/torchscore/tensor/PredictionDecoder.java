package io.torchscore.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import io.torchscore.TorchScoreException;
import java.util.Arrays;

/** Turns a batch's output tensor into one prediction value per row. */
public final class PredictionDecoder {

  private final PredictionType type;

  /**
   * Creates a decoder.
   *
   * @param type the prediction type found on the driver
   */
  public PredictionDecoder(PredictionType type) {
    this.type = type;
  }

  /**
   * Decodes a batch's output.
   *
   * @param output the model's output for {@code rows} rows
   * @param rows the batch's row count
   * @return one {@code Float} or {@code float[]} per row
   * @throws TorchScoreException when the output's size does not match the batch
   */
  public Object[] decode(NDArray output, int rows) {
    NDArray values = output.getDataType() == DataType.FLOAT32 ? output : output.toType(DataType.FLOAT32, false);
    float[] flat = values.toFloatArray();
    TorchScoreException.check(
        flat.length == (long) rows * type.width(),
        "Cannot score: the model returned shape %s for a batch of %s rows; expected %s values"
            + " per row as in the sample batch",
        output.getShape(),
        rows,
        type.width());
    Object[] predictions = new Object[rows];
    for (int row = 0; row < rows; row++) {
      predictions[row] =
          type.vector()
              ? Arrays.copyOfRange(flat, row * type.width(), (row + 1) * type.width())
              : Float.valueOf(flat[row]);
    }
    return predictions;
  }
}
