package io.torchscore.spark;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import io.torchscore.TorchScoreException;
import io.torchscore.config.ConfKeys;
import io.torchscore.config.ScoreSettings;
import io.torchscore.model.LoadedModel;
import io.torchscore.tensor.InputLayout;
import io.torchscore.tensor.InputSpec;
import io.torchscore.tensor.OutputLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks on the driver, before any task runs, that the model takes the inputs as laid out: runs
 * one sample batch of zeros shaped and typed like the real inputs, and learns the prediction
 * columns from the outputs. No action on the DataFrame is needed.
 */
final class ModelValidator {

  private static final int SAMPLE_ROWS = 2;

  private ModelValidator() {}

  static OutputLayout validate(
      LoadedModel loaded, InputLayout layout, ScoreSettings settings, List<String> labels) {
    Model model = loaded.model();
    try (NDManager manager = model.getNDManager().newSubManager();
        Predictor<NDList, NDList> predictor = model.newPredictor(new NoopTranslator())) {
      NDList sample = new NDList();
      for (InputSpec input : layout.inputs()) {
        DataType type = input.dataType() == DataType.FLOAT32 ? loaded.floatType() : input.dataType();
        sample.add(manager.zeros(input.batchShape(SAMPLE_ROWS), type));
      }
      NDList output;
      try {
        output = predictor.predict(sample);
      } catch (TranslateException | RuntimeException e) {
        throw new TorchScoreException(
            e,
            "Cannot score: the model rejected a sample batch of %s; it raised: %s; check %s,"
                + " %s and %s against the model's forward()",
            describe(layout),
            TorchErrors.summary(e),
            ConfKeys.FEATURES,
            ConfKeys.INPUT_SHAPE,
            ConfKeys.INPUT_DTYPE);
      }
      output.attach(manager);
      return OutputLayout.of(output, SAMPLE_ROWS, settings, labels, loaded.graphOutputs());
    }
  }

  private static String describe(InputLayout layout) {
    List<String> inputs = new ArrayList<>();
    for (int i = 0; i < layout.inputs().size(); i++) {
      InputSpec input = layout.inputs().get(i);
      inputs.add(
          "input "
              + i
              + " from "
              + input.describe()
              + ": "
              + input.describeTensor(SAMPLE_ROWS));
    }
    return inputs.size() + (inputs.size() == 1 ? " input (" : " inputs (") + String.join("; ", inputs) + ")";
  }
}
