package io.torchscore.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.torchscore.TorchScoreException;
import io.torchscore.config.ConfKeys;
import io.torchscore.config.Redaction;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a local TorchScript file into DJL's PyTorch engine on a device, in the precision asked
 * for: {@code fp16} casts a float32 model once, on its file ({@link ArchiveCaster}), before it is
 * loaded.
 */
final class TorchScriptLoader {

  private static final Logger LOG = LoggerFactory.getLogger(TorchScriptLoader.class);

  private TorchScriptLoader() {}

  static LoadedModel load(ModelRef ref, Path file, Device device, String precision) {
    DjlEnvironment.prepare(ref.threads(), ref.cacheDir());
    Model model = open(ref, file, device);
    DataType own = floatType(model);
    if (own == DataType.UNKNOWN) {
      model.close();
      throw new TorchScoreException(
          "Cannot load model %s: its parameters are bfloat16 (or another type DJL 0.36 cannot"
              + " feed); export it in float32 or float16 (model.float() or model.half() before"
              + " torch.jit.save)",
          Redaction.uri(ref.uri()));
    }
    if ("fp32".equals(precision) && own == DataType.FLOAT16) {
      model.close();
      throw new TorchScoreException(
          "Cannot load model %s in %s=fp32: it was exported in float16; use %s=auto or export it"
              + " in float32",
          Redaction.uri(ref.uri()),
          ConfKeys.PRECISION,
          ConfKeys.PRECISION);
    }
    if ("fp16".equals(precision) && own == DataType.FLOAT32) {
      model.close();
      model = open(ref, halfCopy(ref, file), device);
      own = DataType.FLOAT16;
    }
    return new LoadedModel(model, device, own);
  }

  private static Model open(ModelRef ref, Path file, Device device) {
    Model model = Model.newInstance("torchscore-" + ref.sha256().substring(0, 12), device, "PyTorch");
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

  /** Returns the type of the model's first floating-point parameter; FLOAT32 when it has none. */
  private static DataType floatType(Model model) {
    for (Pair<String, Parameter> parameter : model.getBlock().getParameters()) {
      NDArray array = parameter.getValue().getArray();
      DataType type = array.getDataType();
      if (type == DataType.UNKNOWN || type.isFloating()) {
        return type;
      }
    }
    return DataType.FLOAT32;
  }

  /** Returns the model's float16 copy beside it in the cache, writing it on first use. */
  private static Path halfCopy(ModelRef ref, Path file) {
    Path half = file.resolveSibling(ref.sha256() + "-fp16.pt");
    if (Files.isRegularFile(half)) {
      return half;
    }
    try {
      Path temp = Files.createTempFile(file.getParent(), "cast-", ".tmp");
      try {
        ArchiveCaster.toHalf(file, temp);
        try {
          Files.move(temp, half, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(temp, half, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(temp);
      }
      LOG.info("Model {} cast to fp16 at {}", Redaction.uri(ref.uri()), half);
      return half;
    } catch (IOException e) {
      throw new TorchScoreException(
          e, "Cannot cast model %s to fp16 in %s: %s", Redaction.uri(ref.uri()), file.getParent(), e.getMessage());
    }
  }
}
