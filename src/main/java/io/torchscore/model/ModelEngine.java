package io.torchscore.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The runtimes a model can be scored with ({@code spark.torchscore.engine}), each a DJL engine
 * with its own loader: everything after loading (predictors, tensors, outputs) is the same.
 */
public enum ModelEngine {

  /** TorchScript files, run by DJL's PyTorch engine (libtorch). */
  PYTORCH("PyTorch", TorchScriptLoader::load),

  /** ONNX files, run by DJL's ONNX Runtime engine; one session per model per executor JVM. */
  ONNXRUNTIME("OnnxRuntime", OnnxRuntimeLoader::load);

  private final String djlName;
  private final ModelCache.Loader loader;
  private volatile int gpus = -1;

  ModelEngine(String djlName, ModelCache.Loader loader) {
    this.djlName = djlName;
    this.loader = loader;
  }

  /**
   * Returns the engine a {@code spark.torchscore.engine} value names.
   *
   * @param setting {@code pytorch} or {@code onnxruntime}
   * @return the engine
   * @throws IllegalArgumentException when the value names no engine (settings are validated first)
   */
  public static ModelEngine of(String setting) {
    return valueOf(setting.toUpperCase(Locale.ROOT));
  }

  /**
   * Returns the name DJL knows this engine by, as {@code ai.djl.engine.Engine.getEngine} takes it.
   *
   * @return the DJL engine name
   */
  public String djlName() {
    return djlName;
  }

  /**
   * Returns the CUDA devices this engine can use in this JVM, asked once: ONNX Runtime's check
   * builds a session option and logs a warning each time CUDA is missing.
   *
   * @return the device count, 0 without CUDA
   */
  public int gpuCount() {
    int count = gpus;
    if (count < 0) {
      count = Engine.getEngine(djlName).getGpuCount();
      gpus = count;
    }
    return count;
  }

  /** Loads a fetched model file with the engine its reference names. */
  static LoadedModel load(ModelRef ref, Path file, Device device, String precision) {
    return of(ref.engine()).loader.load(ref, file, device, precision);
  }
}
