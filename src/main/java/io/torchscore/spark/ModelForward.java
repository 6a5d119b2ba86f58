package io.torchscore.spark;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import io.torchscore.model.LoadedModel;
import io.torchscore.model.TorchScriptForward;

/** One forward call of the model. */
@FunctionalInterface
interface ModelForward {

  NDList apply(NDList inputs) throws TranslateException;

  /**
   * Returns the forward of a loaded model: a TorchScript module runs through
   * {@link TorchScriptForward}, which frees its native inputs when it throws; an ONNX graph
   * through the task's predictor (made with a {@link NoopTranslator}).
   */
  static ModelForward of(LoadedModel loaded, Predictor<NDList, NDList> predictor) {
    if (loaded.graphOutputs()) {
      return predictor::predict;
    }
    TorchScriptForward module = new TorchScriptForward(loaded.model());
    return module::forward;
  }
}
