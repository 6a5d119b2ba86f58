package io.torchscore.job;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one scoring run did, printed as a summary and written as JSON.
 *
 * @param model the model's location, without credentials
 * @param input the input's location, without credentials
 * @param output the output's location, without credentials
 * @param outputFormat the output's format
 * @param rejects the rejects' location, or null
 * @param rowsScored rows written with a prediction
 * @param rowsNulled bad rows written with null predictions
 * @param rowsSkipped bad rows left out of the output
 * @param badRowsByReason bad rows per reason code
 * @param batches forward calls made
 * @param modelLoads model loads, on the driver and on executors
 * @param batchSize rows per forward call
 * @param seconds wall time of read, score and write
 * @param scoringSeconds how long the stages that scored ran (reading, scoring and writing
 *     rows, pipelined in their tasks), without the start-up before them
 */
public record RunReport(
    String model,
    String input,
    String output,
    String outputFormat,
    String rejects,
    long rowsScored,
    long rowsNulled,
    long rowsSkipped,
    Map<String, Long> badRowsByReason,
    long batches,
    long modelLoads,
    int batchSize,
    double seconds,
    double scoringSeconds,
    DeviceUse devices) {

  /**
   * Where the tasks scored and how the devices coped.
   *
   * @param tasksByDevice task attempts per device ({@code cpu}, {@code gpu(0)}, ...)
   * @param outOfMemorySplits batches split because the device ran out of memory
   * @param batchRowsThatFitted the smallest batch that fitted after such a split, 0 when none
   * @param gpuWaitMillis the time tasks waited for a GPU slot ({@code gpu.concurrency})
   */
  public record DeviceUse(
      Map<String, Long> tasksByDevice, long outOfMemorySplits, long batchRowsThatFitted, long gpuWaitMillis) {}

  /**
   * Returns the rows scored per second of wall time, start-up included.
   *
   * @return rows scored per second of wall time
   */
  public double rowsPerSecond() {
    return seconds > 0 ? rowsScored / seconds : 0;
  }

  /**
   * Returns the scoring rate: rows scored per second that the scoring stages ran.
   *
   * @return rows per second, 0 when no stage scored
   */
  public double scoringRowsPerSecond() {
    return scoringSeconds > 0 ? rowsScored / scoringSeconds : 0;
  }

  /**
   * Returns the summary printed at the end of a run.
   *
   * @return a few lines for people
   */
  public String summary() {
    StringBuilder text =
        new StringBuilder(
            String.format(
                "Scored %s in %s of up to %,d: %,.0f rows/s over %.2f s of scoring; %.2f s wall time; %s%n",
                count(rowsScored, "row", "rows"),
                count(batches, "batch", "batches"),
                batchSize,
                scoringRowsPerSecond(),
                scoringSeconds,
                seconds,
                count(modelLoads, "model load", "model loads")));
    if (rowsNulled + rowsSkipped > 0) {
      text.append(String.format("Bad rows: %,d nulled, %,d skipped;", rowsNulled, rowsSkipped));
      badRowsByReason.forEach(
          (reason, count) -> {
            if (count > 0) {
              text.append(String.format(" %s %,d", reason, count));
            }
          });
      text.append(String.format("%n"));
    }
    if (devices.tasksByDevice().keySet().stream().anyMatch(device -> !device.equals("cpu"))) {
      text.append(String.format("Devices: %s; waited %,d ms for GPU slots%n", devices.tasksByDevice(), devices.gpuWaitMillis()));
    }
    if (devices.outOfMemorySplits() > 0) {
      text.append(
          String.format(
              "Out of device memory: %s split; a batch of %,d rows fitted (set spark.torchscore.batch.size to it)%n",
              count(devices.outOfMemorySplits(), "batch", "batches"),
              devices.batchRowsThatFitted()));
    }
    text.append(String.format("Output: %s (%s)", output, outputFormat));
    if (rejects != null) {
      text.append(String.format("%nRejects: %s", rejects));
    }
    return text.toString();
  }

  private static String count(long count, String one, String many) {
    return String.format("%,d %s", count, count == 1 ? one : many);
  }

  /**
   * Returns the report's fields in a stable order, for JSON.
   *
   * @return field names to values
   */
  public Map<String, Object> toMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("model", model);
    map.put("input", input);
    map.put("output", output);
    map.put("output_format", outputFormat);
    map.put("rejects", rejects);
    map.put("rows_scored", rowsScored);
    map.put("rows_nulled", rowsNulled);
    map.put("rows_skipped", rowsSkipped);
    map.put("bad_rows_by_reason", badRowsByReason);
    map.put("batches", batches);
    map.put("model_loads", modelLoads);
    map.put("batch_size", batchSize);
    map.put("seconds", seconds);
    map.put("rows_per_s", rowsPerSecond());
    map.put("scoring_seconds", scoringSeconds);
    map.put("scoring_rows_per_s", scoringRowsPerSecond());
    map.put("tasks_by_device", devices.tasksByDevice());
    map.put("out_of_memory_splits", devices.outOfMemorySplits());
    map.put("batch_rows_that_fitted", devices.batchRowsThatFitted());
    map.put("gpu_wait_ms", devices.gpuWaitMillis());
    return map;
  }
}
