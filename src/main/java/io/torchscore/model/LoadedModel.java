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

  /** Frees the model's native memory; only the cache that owns it calls this. */
  @Override
  public void close() {
    model.close();
  }
}
