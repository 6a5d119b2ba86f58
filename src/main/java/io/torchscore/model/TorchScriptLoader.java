package io.torchscore.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.EngineException;
import io.torchscore.TorchScoreException;
import io.torchscore.config.Redaction;
import java.io.IOException;
import java.nio.file.Path;

/** Loads a local TorchScript file into DJL's PyTorch engine on the CPU, in eval mode. */
final class TorchScriptLoader {

  private TorchScriptLoader() {}

  static Model load(ModelRef ref, Path file) {
    DjlEnvironment.prepare(ref.threads(), ref.cacheDir());
    Model model = Model.newInstance("torchscore-" + ref.sha256().substring(0, 12), Device.cpu(), "PyTorch");
    try {
      // DJL's PyTorch block switches the module to eval() on its first inference forward.
      model.load(file);
      return model;
    } catch (IOException | MalformedModelException | EngineException e) {
      model.close();
      throw new TorchScoreException(
          e,
          "Cannot load model %s: not a loadable TorchScript file (%s); export it with"
              + " torch.jit.script(model).save(path) or torch.jit.trace(model, example).save(path)",
          Redaction.uri(ref.uri()),
          TorchScoreException.firstLine(e.getMessage()));
    }
  }
}
