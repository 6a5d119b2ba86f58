package io.torchscore.spark;

import ai.djl.Device;
import io.torchscore.config.BatchSize;
import io.torchscore.config.ConfKeys;
import io.torchscore.model.ModelCache;
import io.torchscore.tensor.InputLayout;
import java.io.Serializable;

/**
 * How a partition's batches are sized on its device: {@code batch.size} rows, or with
 * {@code auto} the size its executor chose for the model, device, precision and input shape
 * (timed once per executor, kept with the loaded model); either way at most
 * {@code batch.max.bytes} of input tensors, whose default follows the device.
 *
 * @param requested {@code spark.torchscore.batch.size}
 * @param maxBytes {@code spark.torchscore.batch.max.bytes}, or null for the device's default
 * @param choices where executors report the sizes they chose
 */
record BatchSizing(BatchSize requested, Integer maxBytes, BatchSizeChoices choices) implements Serializable {

  /** The most rows {@code auto} tries, before the byte bounds. */
  static final int AUTO_MAX_ROWS = 65536;

  /**
   * Returns the most bytes of a batch's input tensors on a device.
   *
   * @param device where the batch runs
   * @return {@code batch.max.bytes}, or its default for a CPU or a GPU
   */
  int maxBytes(Device device) {
    if (maxBytes != null) {
      return maxBytes;
    }
    return device.isGpu() ? ConfKeys.BATCH_MAX_BYTES_GPU : ConfKeys.BATCH_MAX_BYTES_CPU;
  }

  /**
   * Returns the rows of a fixed batch on a device, or the most {@code auto} may choose there.
   *
   * @param inputs the model's inputs
   * @param device where the batches run
   * @return rows per batch, at least 1
   */
  int rows(InputLayout inputs, Device device) {
    return inputs.batchRows(requested.auto() ? AUTO_MAX_ROWS : requested.rows(), maxBytes(device));
  }

  /**
   * Returns the sizer of one partition: fixed, or sharing its executor's choice for the leased model.
   *
   * @param lease the task's lease of the loaded model
   * @param inputs the model's inputs
   * @param device where the task scores
   * @param executor the executor's id, for the report
   * @return the sizer
   */
  BatchSizer sizer(ModelCache.Lease lease, InputLayout inputs, Device device, String executor) {
    int rows = rows(inputs, device);
    if (!requested.auto()) {
      return BatchSizer.fixed(rows);
    }
    String deviceName = device.isGpu() ? "gpu(" + device.getDeviceId() + ")" : "cpu";
    BatchSizeProbe probe =
        lease.shared(
            "batch.size=auto, inputs " + inputs + ", at most " + rows + " rows",
            () ->
                new BatchSizeProbe(
                    new BatchSizeChooser(BatchSizeChooser.Limits.of(rows)),
                    "inputs " + inputs + " on " + deviceName + " (" + lease.model().floatType() + ")"));
    return probe.sizer(chosen -> choices.add(new BatchSizeChoices.Choice(executor, deviceName, chosen, probe.probeMillis())));
  }
}
