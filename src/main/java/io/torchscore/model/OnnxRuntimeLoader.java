package io.torchscore.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.types.DataType;
import io.torchscore.TorchScoreException;
import io.torchscore.config.ConfKeys;
import io.torchscore.config.Redaction;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Loads a local ONNX file into DJL's ONNX Runtime engine: one inference session with the
 * executor's thread budget. On a GPU device DJL adds ONNX Runtime's CUDA execution provider
 * (which needs {@code com.microsoft.onnxruntime:onnxruntime_gpu} in place of the CPU jar).
 */
final class OnnxRuntimeLoader {

  private OnnxRuntimeLoader() {}

  static LoadedModel load(ModelRef ref, Path file, Device device, String precision) {
    TorchScoreException.check(
        !"fp16".equals(precision),
        "Cannot load model %s in %s=fp16 with %s=onnxruntime: ONNX Runtime runs the graph in the"
            + " types it was exported with; use %s=auto or fp32",
        Redaction.uri(ref.uri()),
        ConfKeys.PRECISION,
        ConfKeys.ENGINE,
        ConfKeys.PRECISION);
    DjlEnvironment.prepare(ref.threads(), ref.cacheDir());
    Model model = Model.newInstance("torchscore-" + ref.sha256().substring(0, 12), device, "OnnxRuntime");
    try {
      model.load(file, null, sessionOptions(ref, device));
    } catch (IOException | MalformedModelException | EngineException e) {
      model.close();
      throw new TorchScoreException(
          e,
          "Cannot load model %s: not a loadable ONNX file (%s); export it with"
              + " torch.onnx.export(model, example, path), or set %s=pytorch for a TorchScript file",
          Redaction.uri(ref.uri()),
          TorchScoreException.firstLine(e.getMessage()),
          ConfKeys.ENGINE);
    }
    return new LoadedModel(model, device, DataType.FLOAT32);
  }

  /**
   * Returns DJL's ONNX Runtime model options: the thread budget, and on a GPU the execution
   * provider (DJL adds CUDA's for a GPU device unless {@code ortDevice} names another).
   */
  static Map<String, String> sessionOptions(ModelRef ref, Device device) {
    Map<String, String> options = new HashMap<>();
    options.put("intraOpNumThreads", Integer.toString(ref.threads()));
    // Spark already runs one task per core: ONNX Runtime's inter-op parallelism would oversubscribe.
    options.put("interOpNumThreads", "1");
    if (device.isGpu() && "tensorrt".equals(ref.gpuProvider())) {
      options.put("ortDevice", "TensorRT");
    }
    return options;
  }
}
