package io.torchscore.model;

import ai.djl.engine.Engine;
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
   * Returns the CUDA devices libtorch sees (after {@code CUDA_VISIBLE_DEVICES}).
   *
   * @return the device count, 0 without CUDA
   */
  int cudaDevices();

  /**
   * Returns this JVM's probe: the class named by {@value #PROPERTY}, else libtorch's own count.
   *
   * @return the probe
   */
  static DeviceProbe get() {
    String substitute = System.getProperty(PROPERTY);
    if (substitute == null) {
      return () -> Engine.getEngine("PyTorch").getGpuCount();
    }
    try {
      return (DeviceProbe) Class.forName(substitute).getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw new TorchScoreException(e, "Cannot use the device probe %s=%s: %s", PROPERTY, substitute, e);
    }
  }
}
