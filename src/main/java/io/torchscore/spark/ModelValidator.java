package io.torchscore.spark;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import io.torchscore.TorchScoreException;
import io.torchscore.tensor.BatchEncoder;
import io.torchscore.tensor.FeatureLayout;
import io.torchscore.tensor.PredictionType;
import java.util.List;
import org.apache.spark.sql.Row;

/**
 * Checks on the driver, before any task runs, that the model takes the features: builds one
 * sample batch from the first rows, runs it, and learns the prediction's type from the output.
 */
final class ModelValidator {

  private ModelValidator() {}

  /** What the sample batch showed: the feature width and the prediction type. */
  record Validation(int width, PredictionType predictionType) {}

  static Validation validate(Model model, FeatureLayout layout, List<Row> sample) {
    if (sample.isEmpty()) {
      // Nothing to score: the output keeps the input's rows (none) and a scalar column.
      return new Validation(1, new PredictionType(1, false));
    }
    int width = layout.width(sample.get(0));
    BatchEncoder encoder = new BatchEncoder(layout, width, sample.size());
    for (int i = 0; i < sample.size(); i++) {
      encoder.add(sample.get(i), i);
    }
    try (NDManager manager = model.getNDManager().newSubManager();
        Predictor<NDList, NDList> predictor = model.newPredictor(new NoopTranslator())) {
      NDList output = predictor.predict(new NDList(encoder.toTensor(manager)));
      output.attach(manager);
      TorchScoreException.check(
          output.size() == 1,
          "Cannot score: the model returned %s outputs; expected one tensor",
          output.size());
      return new Validation(width, PredictionType.of(output.get(0).getShape(), sample.size()));
    } catch (TorchScoreException e) {
      throw e;
    } catch (TranslateException | RuntimeException e) {
      throw new TorchScoreException(
          e,
          "Cannot score: the model rejected a sample batch of shape [%s, %s] built from %s: %s;"
              + " check spark.torchscore.features against the model's input",
          sample.size(),
          width,
          layout,
          firstLine(e));
    }
  }

  private static String firstLine(Exception e) {
    Throwable cause = e.getCause() != null ? e.getCause() : e;
    String message = String.valueOf(cause.getMessage());
    int end = message.indexOf('\n');
    return end < 0 ? message : message.substring(0, end);
  }
}
