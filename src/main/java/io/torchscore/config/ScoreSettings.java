package io.torchscore.config;

import io.torchscore.TorchScoreException;
import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * What to score with and how: the model, the feature columns, the prediction column and the batch
 * size. Immutable; validated when built.
 *
 * @param modelPath local path or Hadoop FS URI of a TorchScript file
 * @param features one array column, or numeric columns assembled in order
 * @param predictionColumn the name of the appended column
 * @param batchSize rows per forward call
 * @param threads libtorch intra-op threads per executor JVM, 0 to derive from spark.task.cpus
 * @param cacheDir the executor-local folder models are copied to
 */
public record ScoreSettings(
    String modelPath,
    List<String> features,
    String predictionColumn,
    int batchSize,
    int threads,
    String cacheDir)
    implements Serializable {

  /** Validates the values and copies the feature list. */
  public ScoreSettings {
    TorchScoreException.check(
        modelPath != null && !modelPath.isBlank(),
        "Missing setting %s: expected the path of a TorchScript file",
        ConfKeys.MODEL_PATH);
    TorchScoreException.check(
        features != null && !features.isEmpty(),
        "Missing setting %s: expected an array column or comma-separated numeric columns",
        ConfKeys.FEATURES);
    TorchScoreException.check(
        predictionColumn != null && !predictionColumn.isBlank(),
        "Invalid %s: expected a column name",
        ConfKeys.PREDICTION_COLUMN);
    TorchScoreException.check(
        batchSize > 0, "Invalid %s=%s: expected a whole number > 0", ConfKeys.BATCH_SIZE, batchSize);
    TorchScoreException.check(
        threads >= 0, "Invalid %s=%s: expected a whole number >= 0", ConfKeys.THREADS, threads);
    features = List.copyOf(features);
  }

  /**
   * Reads the scoring settings from Spark conf entries ({@code spark.torchscore.*}).
   *
   * @param conf the conf entries
   * @return the settings
   * @throws io.torchscore.TorchScoreException naming the key when a setting is missing or invalid
   */
  public static ScoreSettings fromConf(Map<String, String> conf) {
    ConfReader reader = new ConfReader(conf);
    return new ScoreSettings(
        reader.required(ConfKeys.MODEL_PATH, "the path of a TorchScript file"),
        reader.list(
            ConfKeys.FEATURES, "an array column or comma-separated numeric columns"),
        reader.string(ConfKeys.PREDICTION_COLUMN, ConfKeys.PREDICTION_COLUMN_DEFAULT),
        reader.positiveInt(ConfKeys.BATCH_SIZE, ConfKeys.BATCH_SIZE_DEFAULT),
        reader.integer(ConfKeys.THREADS, ConfKeys.THREADS_DEFAULT),
        reader.string(ConfKeys.CACHE_DIR, ConfKeys.CACHE_DIR_DEFAULT));
  }
}
