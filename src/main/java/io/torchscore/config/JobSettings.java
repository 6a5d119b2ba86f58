package io.torchscore.config;

import io.torchscore.TorchScoreException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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
 * @param partitionBy the columns to partition the output and the rejects by; empty for none
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
    String reportPath,
    List<String> partitionBy) {

  /** Copies the reader options and the partition columns. */
  public JobSettings {
    inputOptions = Map.copyOf(inputOptions);
    partitionBy = List.copyOf(partitionBy);
  }

  /**
   * Reads the job settings from Spark conf entries ({@code spark.torchscore.*}).
   *
   * @param conf the conf entries
   * @return the settings
   * @throws io.torchscore.TorchScoreException naming the key when a setting is missing, unknown
   *     or invalid
   */
  public static JobSettings fromConf(Map<String, String> conf) {
    ScoreSettings score = ScoreSettings.fromConf(withTraceFolder(conf));
    String outputFormat = value(conf, ConfKeys.OUTPUT_FORMAT);
    String rejectsPath = value(conf, ConfKeys.REJECTS_PATH);
    TorchScoreException.check(
        rejectsPath == null || score.onError() == ScoreSettings.OnError.SKIP,
        "Invalid %s: rejects are the rows %s=skip leaves out; set it to skip or unset %s",
        ConfKeys.REJECTS_PATH,
        ConfKeys.ON_ERROR,
        ConfKeys.REJECTS_PATH);
    String rejectsFormat = value(conf, ConfKeys.REJECTS_FORMAT);
    return new JobSettings(
        score,
        required(conf, ConfKeys.INPUT_PATH, "the path of the table to score"),
        value(conf, ConfKeys.INPUT_FORMAT),
        withPrefix(conf, ConfKeys.INPUT_OPTION_PREFIX),
        required(conf, ConfKeys.OUTPUT_PATH, "the path to write the scored table to"),
        outputFormat,
        value(conf, ConfKeys.OUTPUT_MODE),
        rejectsPath,
        rejectsFormat == null ? outputFormat : rejectsFormat,
        value(conf, ConfKeys.REPORT_PATH),
        partitionBy(conf));
  }

  private static List<String> partitionBy(Map<String, String> conf) {
    String value = conf.get(ConfKeys.OUTPUT_PARTITION_BY.key());
    return value == null || value.isBlank()
        ? ConfKeys.OUTPUT_PARTITION_BY.defaultValue()
        : ConfKeys.OUTPUT_PARTITION_BY.parse(value.trim());
  }

  /** Puts the profiler's traces beside the report unless {@code profile.dir} says otherwise. */
  private static Map<String, String> withTraceFolder(Map<String, String> conf) {
    String report = conf.get(ConfKeys.REPORT_PATH.key());
    String dir = conf.get(ConfKeys.PROFILE_DIR.key());
    if (report == null || report.isBlank() || (dir != null && !dir.isBlank())) {
      return conf;
    }
    Map<String, String> withDir = new java.util.HashMap<>(conf);
    String trimmed = report.trim();
    // A URI keeps its scheme; a plain path is made absolute here, where the job was started.
    String folder =
        trimmed.matches("[a-zA-Z][a-zA-Z0-9+.-]*:.*")
            ? trimmed.substring(0, Math.max(trimmed.lastIndexOf('/'), trimmed.indexOf(':') + 1))
            : new java.io.File(trimmed).getAbsoluteFile().getParent();
    withDir.put(ConfKeys.PROFILE_DIR.key(), folder);
    return withDir;
  }

  private static String value(Map<String, String> conf, Setting<String> setting) {
    String value = conf.get(setting.key());
    return value == null || value.isBlank() ? setting.defaultValue() : setting.parse(value.trim());
  }

  private static String required(Map<String, String> conf, Setting<String> setting, String expected) {
    String value = value(conf, setting);
    TorchScoreException.check(value != null, "Missing setting %s: expected %s", setting, expected);
    return value;
  }

  /** Returns the entries under {@code prefix} with the prefix removed, sorted by name. */
  private static Map<String, String> withPrefix(Map<String, String> conf, String prefix) {
    Map<String, String> options = new TreeMap<>();
    conf.forEach(
        (key, value) -> {
          if (key.startsWith(prefix) && key.length() > prefix.length()) {
            options.put(key.substring(prefix.length()), value);
          }
        });
    return options;
  }
}
