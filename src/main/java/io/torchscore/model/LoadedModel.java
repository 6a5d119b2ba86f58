package io.torchscore.model;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.types.DataType;

/**
 * A model loaded on one device, with the floating-point type its parameters have: float inputs
 * are cast to it on the device, and float outputs come back as float32.
 *
 * @param model the DJL model; tasks create their own predictors from it and never close it
 * @param device where its parameters live
 * @param floatType FLOAT32, FLOAT16 or FLOAT64: what the model's float inputs must be
 */
public record LoadedModel(Model model, Device device, DataType floatType) implements AutoCloseable {

  /**
   * Returns whether the model's outputs are an ONNX graph's: each named, in the graph's order.
   *
   * @return true for a model run by ONNX Runtime
   */
  public boolean graphOutputs() {
    return ModelEngine.ONNXRUNTIME.djlName().equals(model.getNDManager().getEngine().getEngineName());
  }

  /** Frees the model's native memory; only the cache that owns it calls this. */
  @Override
  public void close() {
    model.close();
  }
}
