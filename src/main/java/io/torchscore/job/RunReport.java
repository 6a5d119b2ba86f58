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
 * @param rowsScored rows written with a prediction
 * @param batches forward calls made
 * @param modelLoads model loads on executors
 * @param batchSize rows per forward call
 * @param seconds wall time of read, score and write
 */
public record RunReport(
    String model,
    String input,
    String output,
    String outputFormat,
    long rowsScored,
    long batches,
    long modelLoads,
    int batchSize,
    double seconds) {

  /**
   * Returns the scoring rate.
   *
   * @return rows scored per second of wall time
   */
  public double rowsPerSecond() {
    return seconds > 0 ? rowsScored / seconds : 0;
  }

  /**
   * Returns the summary printed at the end of a run.
   *
   * @return a few lines for people
   */
  public String summary() {
    return String.format(
        "Scored %,d rows in %,d batches of up to %d in %.2f s (%,.0f rows/s); model loads: %d%n"
            + "Output: %s (%s)",
        rowsScored,
        batches,
        batchSize,
        seconds,
        rowsPerSecond(),
        modelLoads,
        output,
        outputFormat);
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
    map.put("rows_scored", rowsScored);
    map.put("batches", batches);
    map.put("model_loads", modelLoads);
    map.put("batch_size", batchSize);
    map.put("seconds", seconds);
    map.put("rows_per_s", rowsPerSecond());
    return map;
  }
}
