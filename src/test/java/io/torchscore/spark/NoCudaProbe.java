package io.torchscore.spark;

import io.torchscore.model.DeviceProbe;

/** A device probe for tests: CUDA sees no device, as on a GPU node whose driver is broken. */
public final class NoCudaProbe implements DeviceProbe {

  @Override
  public int cudaDevices() {
    return 0;
  }
}
