package io.torchscore.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import io.torchscore.TorchScoreException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which device a task scores on, from Spark's GPU address, CUDA_VISIBLE_DEVICES and CUDA. */
class DeviceChoiceTest {

  @Test
  void aTaskRunsOnTheGpuSparkAssignedIt() {
    DeviceChoice choice = DeviceChoice.choose("auto", List.of("1"), null, 2, false, 0);

    assertThat(choice.device()).isEqualTo(Device.gpu(1));
    assertThat(choice.describe()).isEqualTo("gpu(1) (spark address 1 -> cuda 1)");
  }

  @Test
  void anAddressIsMappedThroughCudaVisibleDevices() {
    // In a container that sees only physical GPUs 3 and 5, Spark's address 5 is CUDA ordinal 1.
    assertThat(DeviceChoice.choose("gpu", List.of("5"), "3,5", 2, false, 0).device()).isEqualTo(Device.gpu(1));
    assertThat(DeviceChoice.choose("gpu", List.of("3"), "3, 5", 2, false, 7).device()).isEqualTo(Device.gpu(0));
  }

  @Test
  void tasksOnDifferentAddressesGetDifferentGpus() {
    assertThat(DeviceChoice.choose("auto", List.of("0"), null, 4, false, 9).device()).isEqualTo(Device.gpu(0));
    assertThat(DeviceChoice.choose("auto", List.of("3"), null, 4, false, 9).device()).isEqualTo(Device.gpu(3));
  }

  @Test
  void autoFallsBackToTheCpuSayingWhyWhenCudaCannotUseTheGpu() {
    DeviceChoice choice = DeviceChoice.choose("auto", List.of("1"), null, 0, false, 0);

    assertThat(choice.device()).isEqualTo(Device.cpu());
    assertThat(choice.fallback()).isEqualTo("Spark assigned GPU address 1 but CUDA sees 0 devices");
    assertThat(DeviceChoice.choose("auto", List.of("7"), "3,5", 2, false, 0).fallback())
        .isEqualTo("Spark assigned GPU address 7 but it is not in CUDA_VISIBLE_DEVICES=3,5");
  }

  @Test
  void gpuFailsOnTheExecutorWhenTheAssignedGpuIsNotUsable() {
    assertThatThrownBy(() -> DeviceChoice.choose("gpu", List.of("1"), null, 0, false, 0))
        .isInstanceOf(TorchScoreException.class)
        .hasMessageStartingWith("Cannot score on a GPU: Spark assigned GPU address 1 but CUDA sees 0 devices;")
        .hasMessageContaining("spark.torchscore.device=auto");
  }

  @Test
  void withoutAddressesTasksRunOnTheCpuOrSpreadOverLocalGpus() {
    assertThat(DeviceChoice.choose("auto", List.of(), null, 2, false, 3).device()).isEqualTo(Device.cpu());
    assertThat(DeviceChoice.choose("auto", List.of(), null, 2, true, 3).device()).isEqualTo(Device.gpu(1));
    assertThat(DeviceChoice.choose("auto", List.of(), null, 0, true, 3).device()).isEqualTo(Device.cpu());
    assertThatThrownBy(() -> DeviceChoice.choose("gpu", List.of(), null, 0, false, 0))
        .hasMessageContaining("Spark gave this task no GPU");
  }

  @Test
  void cpuIgnoresAssignedGpus() {
    assertThat(DeviceChoice.choose("cpu", List.of("0"), null, 1, false, 0).device()).isEqualTo(Device.cpu());
  }

  @Test
  void theDriverRefusesGpuWhenNoTaskCanGetOne() {
    assertThatThrownBy(() -> DeviceChoice.checkDriver("gpu", true, null, () -> 0))
        .isInstanceOf(TorchScoreException.class)
        .hasMessageStartingWith("Cannot score on a GPU: spark.torchscore.device=gpu but CUDA sees no device on this machine (local mode)");
    assertThatThrownBy(() -> DeviceChoice.checkDriver("gpu", false, null, () -> 8))
        .hasMessageStartingWith("Cannot score on a GPU: spark.torchscore.device=gpu but Spark gives tasks no GPU (spark.task.resource.gpu.amount=unset)");
    assertThatThrownBy(() -> DeviceChoice.checkDriver("gpu", false, "0", () -> 8))
        .hasMessageContaining("spark.task.resource.gpu.amount=0");
  }

  @Test
  void theDriverNeedsNoGpuOfItsOwnOnACluster() {
    DeviceChoice.checkDriver("gpu", false, "0.25", () -> {
      throw new AssertionError("a cluster's driver must not probe its own CUDA");
    });
    DeviceChoice.checkDriver("gpu", true, null, () -> 1);
    DeviceChoice.checkDriver("auto", false, null, () -> 0);
  }
}
