package io.torchscore.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import org.junit.jupiter.api.Test;

/** The options DJL's ONNX Runtime engine gets for a session (read by DJL's {@code OrtModel}). */
class OnnxRuntimeLoaderTest {

  private static ModelRef ref(String provider) {
    return new ModelRef("file:/m.onnx", "0".repeat(64), 1, 3, "/tmp", null).withEngine("onnxruntime", provider);
  }

  @Test
  void theThreadBudgetIsTheSessionsIntraOpThreadsWithOneInterOpThread() {
    assertThat(OnnxRuntimeLoader.sessionOptions(ref("cuda"), Device.cpu()))
        .containsEntry("intraOpNumThreads", "3")
        .containsEntry("interOpNumThreads", "1")
        .doesNotContainKey("ortDevice");
  }

  @Test
  void tensorrtIsAskedForOnAGpuOnly() {
    assertThat(OnnxRuntimeLoader.sessionOptions(ref("tensorrt"), Device.gpu(1)))
        .containsEntry("ortDevice", "TensorRT");
    assertThat(OnnxRuntimeLoader.sessionOptions(ref("tensorrt"), Device.cpu())).doesNotContainKey("ortDevice");
    // DJL adds the CUDA provider itself for a GPU device when ortDevice is absent.
    assertThat(OnnxRuntimeLoader.sessionOptions(ref("cuda"), Device.gpu(1))).doesNotContainKey("ortDevice");
  }
}
