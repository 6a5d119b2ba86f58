package io.torchscore.job;

import io.torchscore.spark.BatchSizeChoices;
import io.torchscore.spark.LatencyHistogram;
import io.torchscore.spark.ModelLoad;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
 * @param batchSize rows per forward call: the fixed size, or the most rows auto may try
 * @param autoBatchSize whether {@code batch.size=auto} sized the batches
 * @param seconds wall time of read, score and write
 * @param scoringSeconds how long the stages that scored ran (reading, scoring and writing
 *     rows, pipelined in their tasks), without the start-up before them
 * @param devices where the tasks scored and how the devices coped
 * @param details what the charts of the HTML report show
 * @param nonFinite the NaN and infinite values met in features and predictions
 * @param batchSizeAuto the batch sizes executors chose with {@code batch.size=auto}, one per
 *     executor and device; empty for a fixed size
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
    boolean autoBatchSize,
    double seconds,
    double scoringSeconds,
    DeviceUse devices,
    Details details,
    NonFinite nonFinite,
    List<BatchSizeChoices.Choice> batchSizeAuto) {

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
   * What the HTML report's charts show, beside the counts.
   *
   * @param batchTimes each batch's time per stage ({@code encode}, {@code forward}, {@code decode},
   *     {@code total}), as histograms
   * @param throughput rows scored over time
   * @param modelLoads model loads on the driver and the executors, with their times
   * @param settings the run's settings, secrets redacted
   * @param profileTraces the profiler traces executors wrote ({@code spark.torchscore.profile})
   */
  public record Details(
      Map<String, LatencyHistogram> batchTimes,
      Throughput throughput,
      List<ModelLoad> modelLoads,
      Map<String, String> settings,
      List<String> profileTraces) {}

  /**
   * NaN and infinite values, counted whether or not {@code spark.torchscore.nan=reject} made
   * their rows bad.
   *
   * @param nanInputs NaN values read from features
   * @param infiniteInputs infinite values read from features ({@code 1e999} included)
   * @param nanOutputs NaN values in the model's outputs
   */
  public record NonFinite(long nanInputs, long infiniteInputs, long nanOutputs) {}

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
   * Returns how the batches were sized: {@code of up to 4,096} for a fixed size, {@code sized by
   * batch.size=auto} under auto (the executors' choices follow on a line of their own).
   */
  String batchesSized() {
    return autoBatchSize ? "sized by batch.size=auto" : String.format("of up to %,d", batchSize);
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
                "Scored %s in %s %s: %,.0f rows/s over %.2f s of scoring; %.2f s wall time; %s%n",
                count(rowsScored, "row", "rows"),
                count(batches, "batch", "batches"),
                batchesSized(),
                scoringRowsPerSecond(),
                scoringSeconds,
                seconds,
                count(modelLoads, "model load", "model loads")));
    if (!batchSizeAuto.isEmpty()) {
      text.append(String.format("Batch size auto: %s%n", String.join("; ", batchSizeAuto.stream().map(Object::toString).toList())));
    }
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
    if (nonFinite.nanInputs() + nonFinite.infiniteInputs() + nonFinite.nanOutputs() > 0) {
      text.append(
          String.format(
              "NaN/Inf: %,d NaN and %,d infinite feature values, %,d NaN predictions (spark.torchscore.nan=reject"
                  + " makes such features bad rows)%n",
              nonFinite.nanInputs(),
              nonFinite.infiniteInputs(),
              nonFinite.nanOutputs()));
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
    map.put("batch_size_auto", BatchSizeChoices.toJson(batchSizeAuto));
    map.put("seconds", seconds);
    map.put("rows_per_s", rowsPerSecond());
    map.put("scoring_seconds", scoringSeconds);
    map.put("scoring_rows_per_s", scoringRowsPerSecond());
    map.put("tasks_by_device", devices.tasksByDevice());
    map.put("out_of_memory_splits", devices.outOfMemorySplits());
    map.put("batch_rows_that_fitted", devices.batchRowsThatFitted());
    map.put("gpu_wait_ms", devices.gpuWaitMillis());
    Map<String, Object> percentiles = new LinkedHashMap<>();
    Map<String, Object> histograms = new LinkedHashMap<>();
    List<Double> lower = new ArrayList<>();
    for (int bucket = 0; bucket < LatencyHistogram.BUCKETS; bucket++) {
      lower.add(millis(LatencyHistogram.lowerMillis(bucket)));
    }
    histograms.put("bucket_lower_ms", lower);
    details.batchTimes().forEach(
        (stage, histogram) -> {
          Map<String, Object> stagePercentiles = new LinkedHashMap<>();
          for (double q : Percentiles.REPORTED) {
            stagePercentiles.put("p" + Math.round(q * 100), millis(Percentiles.upperMillis(histogram, q)));
          }
          percentiles.put(stage, stagePercentiles);
          histograms.put(stage, histogram.counts());
        });
    map.put("batch_time_ms", percentiles);
    map.put("batch_time_histogram", histograms);
    Map<String, Object> throughput = new LinkedHashMap<>();
    throughput.put("start_epoch_ms", details.throughput().startMillis());
    throughput.put("bucket_ms", details.throughput().bucketMillis());
    throughput.put("rows", details.throughput().rows());
    map.put("throughput", throughput);
    List<Map<String, Object>> loads = new ArrayList<>();
    for (ModelLoad load : details.modelLoads()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("executor", load.executor());
      entry.put("host", load.host());
      entry.put("ms", millis(load.millis()));
      loads.add(entry);
    }
    map.put("model_load_ms", loads);
    map.put("settings", details.settings());
    map.put("profile_traces", details.profileTraces());
    map.put("nan_input_values", nonFinite.nanInputs());
    map.put("infinite_input_values", nonFinite.infiniteInputs());
    map.put("nan_output_values", nonFinite.nanOutputs());
    return map;
  }

  /** Rounds milliseconds to the microsecond. */
  static double millis(double value) {
    return Math.round(value * 1000) / 1000.0;
  }
}
