package io.torchscore.model;

import io.torchscore.TorchScoreException;

/**
 * Says how many CUDA devices libtorch can use in this JVM. The real probe asks DJL's PyTorch
 * engine; tests substitute one by naming its class in the JVM system property
 * {@value #PROPERTY} (a test hook, not a torchscore setting).
 */
@FunctionalInterface
public interface DeviceProbe {

  /** The system property naming a substitute probe class with a public no-argument constructor. */
  String PROPERTY = "torchscore.deviceProbe";

  /**
   * Returns the CUDA devices the engine sees (after {@code CUDA_VISIBLE_DEVICES}).
   *
   * @return the device count, 0 without CUDA
   */
  int cudaDevices();

  /**
   * Returns this JVM's probe: the class named by {@value #PROPERTY}, else the engine's own count.
   *
   * @param engine the engine that will run the model
   * @return the probe
   */
  static DeviceProbe get(ModelEngine engine) {
    String substitute = System.getProperty(PROPERTY);
    if (substitute == null) {
      return engine::gpuCount;
    }
    try {
      return (DeviceProbe) Class.forName(substitute).getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw new TorchScoreException(e, "Cannot use the device probe %s=%s: %s", PROPERTY, substitute, e);
    }
  }
}
