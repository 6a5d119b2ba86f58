package io.torchscore.model;

import ai.djl.Device;
import io.torchscore.TorchScoreException;
import io.torchscore.config.ConfKeys;
import java.util.Arrays;
import java.util.List;

/**
 * The device one task scores on, and why: the GPU Spark assigned to the task (its address mapped
 * to a CUDA ordinal through {@code CUDA_VISIBLE_DEVICES}), or the CPU.
 *
 * @param device the DJL device to load the model on and run it
 * @param address the GPU address Spark gave the task, or null
 * @param ordinal the CUDA ordinal the address maps to, or -1
 * @param fallback why a GPU the task was given is not used (device=auto), or null
 */
public record DeviceChoice(Device device, String address, int ordinal, String fallback) {

  /**
   * Checks on the driver, before any task, that {@code device=gpu} can be met: in local mode CUDA
   * must see a device here; on a cluster Spark must give tasks GPUs. A cluster's driver need not
   * have a GPU itself: each executor checks the GPU its task gets.
   *
   * @param mode {@code spark.torchscore.device}
   * @param localMode whether Spark runs in local mode
   * @param taskGpuAmount {@code spark.task.resource.gpu.amount}, or null
   * @param probe asked only in local mode
   * @throws TorchScoreException with device=gpu when no task can get a GPU
   */
  public static void checkDriver(String mode, boolean localMode, String taskGpuAmount, DeviceProbe probe) {
    if (!"gpu".equals(mode)) {
      return;
    }
    if (localMode) {
      TorchScoreException.check(
          probe.cudaDevices() > 0,
          "Cannot score on a GPU: %s=gpu but CUDA sees no device on this machine (local mode);"
              + " use a CUDA build of libtorch (pytorch-native-cu128 or PYTORCH_LIBRARY_PATH) on a"
              + " GPU machine, or set %s=auto or cpu",
          ConfKeys.DEVICE,
          ConfKeys.DEVICE);
      return;
    }
    double amount;
    try {
      amount = taskGpuAmount == null ? 0 : Double.parseDouble(taskGpuAmount.trim());
    } catch (NumberFormatException e) {
      amount = 0;
    }
    TorchScoreException.check(
        amount > 0,
        "Cannot score on a GPU: %s=gpu but Spark gives tasks no GPU (%s=%s); set"
            + " spark.executor.resource.gpu.amount, %s and"
            + " spark.executor.resource.gpu.discoveryScript, or %s=auto",
        ConfKeys.DEVICE,
        TASK_GPU_AMOUNT,
        taskGpuAmount == null ? "unset" : taskGpuAmount,
        TASK_GPU_AMOUNT,
        ConfKeys.DEVICE);
  }

  /** Spark's key for the GPUs each task holds. */
  public static final String TASK_GPU_AMOUNT = "spark.task.resource.gpu.amount";

  /**
   * Chooses a task's device.
   *
   * @param mode {@code spark.torchscore.device}: auto, cpu or gpu
   * @param addresses the task's GPU addresses from Spark ({@code TaskContext.resources()}), may be empty
   * @param cudaVisibleDevices the executor's {@code CUDA_VISIBLE_DEVICES}, or null
   * @param cudaDevices how many CUDA devices libtorch sees
   * @param localMode whether Spark runs in local mode, where tasks get no GPU addresses
   * @param partition the task's partition, to spread local-mode tasks over the GPUs
   * @return the choice
   * @throws TorchScoreException with device=gpu, when the task has no usable GPU
   */
  public static DeviceChoice choose(
      String mode,
      List<String> addresses,
      String cudaVisibleDevices,
      int cudaDevices,
      boolean localMode,
      int partition) {
    if ("cpu".equals(mode)) {
      return new DeviceChoice(Device.cpu(), null, -1, null);
    }
    boolean gpuRequired = "gpu".equals(mode);
    if (addresses.isEmpty()) {
      if (localMode && cudaDevices > 0) {
        // Local mode assigns no addresses: spread the tasks over the GPUs this machine has.
        return new DeviceChoice(Device.gpu(partition % cudaDevices), null, partition % cudaDevices, null);
      }
      TorchScoreException.check(
          !gpuRequired,
          "Cannot score on a GPU: %s=gpu but %s; set spark.executor.resource.gpu.amount,"
              + " spark.task.resource.gpu.amount and spark.executor.resource.gpu.discoveryScript,"
              + " or %s=auto",
          ConfKeys.DEVICE,
          localMode ? "CUDA sees no device on this machine" : "Spark gave this task no GPU",
          ConfKeys.DEVICE);
      return new DeviceChoice(Device.cpu(), null, -1, null);
    }
    String address = addresses.get(0);
    int ordinal = ordinal(address, cudaVisibleDevices);
    String problem = null;
    if (ordinal < 0) {
      problem = "it is not in CUDA_VISIBLE_DEVICES=" + cudaVisibleDevices;
    } else if (ordinal >= cudaDevices) {
      problem =
          "CUDA sees "
              + cudaDevices
              + (cudaDevices == 1 ? " device" : " devices")
              + (cudaVisibleDevices == null || cudaVisibleDevices.isBlank() ? "" : " (CUDA_VISIBLE_DEVICES=" + cudaVisibleDevices + ")");
    }
    if (problem == null) {
      return new DeviceChoice(Device.gpu(ordinal), address, ordinal, null);
    }
    String why = "Spark assigned GPU address " + address + " but " + problem;
    TorchScoreException.check(
        !gpuRequired,
        "Cannot score on a GPU: %s; check the executor's CUDA driver and libtorch (a CUDA build:"
            + " pytorch-native-cu128 or PYTORCH_LIBRARY_PATH), or set %s=auto to fall back to the CPU",
        why,
        ConfKeys.DEVICE);
    return new DeviceChoice(Device.cpu(), address, ordinal, why);
  }

  /** Maps a Spark GPU address to a CUDA ordinal: its place in CUDA_VISIBLE_DEVICES when set. */
  private static int ordinal(String address, String cudaVisibleDevices) {
    if (cudaVisibleDevices != null && !cudaVisibleDevices.isBlank()) {
      return Arrays.asList(cudaVisibleDevices.replace(" ", "").split(",")).indexOf(address.trim());
    }
    try {
      return Integer.parseInt(address.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * Describes the choice for logs and the run report, e.g. {@code gpu(1) (spark address 1)}.
   *
   * @return one short line
   */
  public String describe() {
    String name = device.isGpu() ? "gpu(" + device.getDeviceId() + ")" : "cpu";
    if (address == null) {
      return name;
    }
    String mapped = ordinal < 0 ? "" : " -> cuda " + ordinal;
    return name + " (spark address " + address + mapped + (fallback == null ? ")" : "; " + fallback + ")");
  }
}
