package io.torchscore.config;

import io.torchscore.TorchScoreException;
import java.util.Map;

/**
 * Everything the scoring job needs: where to read, what to score with, where to write. Read once
 * on the driver from the Spark conf; not sent to executors.
 *
 * @param score the scoring settings
 * @param inputPath what to read
 * @param inputFormat the Spark source name (parquet, csv, json, orc, delta, ...)
 * @param inputOptions reader options
 * @param outputPath where to write
 * @param outputFormat the Spark sink name
 * @param outputMode errorifexists, overwrite, append or ignore
 * @param rejectsPath where to write the rows on.error=skip left out, or null for nowhere
 * @param rejectsFormat the Spark sink name for the rejects
 * @param reportPath where to write the JSON run report, or null for none
 */
public record JobSettings(
    ScoreSettings score,
    String inputPath,
    String inputFormat,
    Map<String, String> inputOptions,
    String outputPath,
    String outputFormat,
    String outputMode,
    String rejectsPath,
    String rejectsFormat,
    String reportPath) {

  /** Copies the reader options. */
  public JobSettings {
    inputOptions = Map.copyOf(inputOptions);
  }

  /**
   * Reads the job settings from Spark conf entries ({@code spark.torchscore.*}).
   *
   * @param conf the conf entries
   * @return the settings
   * @throws io.torchscore.TorchScoreException naming the key when a setting is missing or invalid
   */
  public static JobSettings fromConf(Map<String, String> conf) {
    ConfReader reader = new ConfReader(conf);
    ScoreSettings score = ScoreSettings.fromConf(conf);
    String outputFormat = reader.string(ConfKeys.OUTPUT_FORMAT, ConfKeys.OUTPUT_FORMAT_DEFAULT);
    String rejectsPath = reader.optional(ConfKeys.REJECTS_PATH);
    TorchScoreException.check(
        rejectsPath == null || score.onError() == ScoreSettings.OnError.SKIP,
        "Invalid %s: rejects are the rows %s=skip leaves out; set it to skip or unset %s",
        ConfKeys.REJECTS_PATH,
        ConfKeys.ON_ERROR,
        ConfKeys.REJECTS_PATH);
    return new JobSettings(
        score,
        reader.required(ConfKeys.INPUT_PATH, "the path of the table to score"),
        reader.string(ConfKeys.INPUT_FORMAT, ConfKeys.INPUT_FORMAT_DEFAULT),
        reader.withPrefix(ConfKeys.INPUT_OPTION_PREFIX),
        reader.required(ConfKeys.OUTPUT_PATH, "the path to write the scored table to"),
        outputFormat,
        reader.oneOf(
            ConfKeys.OUTPUT_MODE,
            ConfKeys.OUTPUT_MODE_DEFAULT,
            "errorifexists",
            "overwrite",
            "append",
            "ignore"),
        rejectsPath,
        reader.string(ConfKeys.REJECTS_FORMAT, outputFormat),
        reader.optional(ConfKeys.REPORT_PATH));
  }
}
