package io.torchscore.spark;

import ai.djl.Model;
import io.torchscore.TorchScoreException;
import io.torchscore.config.ConfKeys;
import io.torchscore.config.ScoreSettings;
import io.torchscore.model.ModelCache;
import io.torchscore.model.ModelFetcher;
import io.torchscore.model.ModelRef;
import io.torchscore.tensor.FeatureLayout;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends a TorchScript model's predictions to a DataFrame, keeping every input column and the
 * rows' order within partitions.
 *
 * <pre>{@code
 * Dataset<Row> scored = TorchScorer.builder()
 *     .modelPath("s3a://bucket/models/mlp.pt")
 *     .featuresCol("features")
 *     .predictionCol("prediction")
 *     .batchSize(256)
 *     .build()
 *     .transform(df);
 * }</pre>
 *
 * <p>On {@link #transform}, the driver copies and loads the model once, scores a sample batch of
 * the first rows to check the features against the model and to learn the output's type, and
 * broadcasts only a small reference to the model. Executors load it once per JVM.
 */
public final class TorchScorer {

  private static final Logger LOG = LoggerFactory.getLogger(TorchScorer.class);

  private static final int SAMPLE_ROWS = 4;

  private final ScoreSettings settings;

  /**
   * Creates a scorer from settings.
   *
   * @param settings the scoring settings
   */
  public TorchScorer(ScoreSettings settings) {
    this.settings = settings;
  }

  /**
   * Returns a builder.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Creates a scorer from the session's {@code spark.torchscore.*} settings, as set with
   * {@code --conf} or {@code spark.conf.set} in a notebook.
   *
   * @param spark the session
   * @return the scorer
   * @throws TorchScoreException naming the key when a setting is missing or invalid
   */
  public static TorchScorer fromConf(SparkSession spark) {
    Map<String, String> conf = new HashMap<>();
    for (String key :
        List.of(
            ConfKeys.MODEL_PATH,
            ConfKeys.FEATURES,
            ConfKeys.PREDICTION_COLUMN,
            ConfKeys.BATCH_SIZE,
            ConfKeys.THREADS,
            ConfKeys.CACHE_DIR)) {
      String value = spark.conf().get(key, null);
      if (value != null) {
        conf.put(key, value);
      }
    }
    return new TorchScorer(ScoreSettings.fromConf(conf));
  }

  /**
   * Returns the settings.
   *
   * @return the settings this scorer uses
   */
  public ScoreSettings settings() {
    return settings;
  }

  /**
   * Returns the input with the prediction column appended.
   *
   * @param input the rows to score
   * @return the scored rows (lazy)
   * @throws TorchScoreException when the model or the features are not usable
   */
  public Dataset<Row> transform(Dataset<Row> input) {
    return score(input).scored();
  }

  /**
   * Returns the input with the prediction column appended, and the counters of the scoring.
   *
   * @param input the rows to score
   * @return the scored rows (lazy) and their metrics
   * @throws TorchScoreException when the model or the features are not usable
   */
  public ScoreResult score(Dataset<Row> input) {
    StructType schema = input.schema();
    TorchScoreException.check(
        !Arrays.asList(schema.fieldNames()).contains(settings.predictionColumn()),
        "Cannot score: the input already has a column '%s'; set %s to another name",
        settings.predictionColumn(),
        ConfKeys.PREDICTION_COLUMN);
    FeatureLayout layout = FeatureLayout.resolve(settings.features(), schema);
    SparkSession spark = input.sparkSession();
    ModelRef ref =
        ModelFetcher.locate(
            settings.modelPath(),
            spark.sparkContext().hadoopConfiguration(),
            threads(spark),
            settings.cacheDir());
    ScoreMetrics metrics = ScoreMetrics.register(spark.sparkContext());
    Model model = ModelCache.getOrLoad(ref, metrics::modelLoaded);
    ModelValidator.Validation validation =
        ModelValidator.validate(model, layout, input.limit(SAMPLE_ROWS).collectAsList());
    LOG.info(
        "Scoring {} with {}: width {}, prediction {} {}, batch size {}",
        layout,
        ref,
        validation.width(),
        settings.predictionColumn(),
        validation.predictionType().sparkType().simpleString(),
        settings.batchSize());
    Broadcast<ModelRef> broadcast =
        JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(ref);
    StructType outputSchema =
        schema.add(settings.predictionColumn(), validation.predictionType().sparkType(), false);
    Dataset<Row> scored =
        input.mapPartitions(
            new ScorePartitionFunction(
                broadcast,
                layout,
                validation.width(),
                validation.predictionType(),
                settings.batchSize(),
                metrics),
            Encoders.row(outputSchema));
    return new ScoreResult(scored, metrics);
  }

  private int threads(SparkSession spark) {
    if (settings.threads() > 0) {
      return settings.threads();
    }
    return spark.sparkContext().getConf().getInt(ConfKeys.SPARK_TASK_CPUS, 1);
  }

  /** Builds a {@link TorchScorer}; the model path and the features are required. */
  public static final class Builder {

    private String modelPath;
    private List<String> features;
    private String predictionCol = ConfKeys.PREDICTION_COLUMN_DEFAULT;
    private int batchSize = ConfKeys.BATCH_SIZE_DEFAULT;
    private int threads = ConfKeys.THREADS_DEFAULT;
    private String cacheDir = ConfKeys.CACHE_DIR_DEFAULT;

    private Builder() {}

    /**
     * Sets the model's location: a local path or any Hadoop FS URI.
     *
     * @param path the TorchScript file
     * @return this builder
     */
    public Builder modelPath(String path) {
      this.modelPath = path;
      return this;
    }

    /**
     * Sets one array column holding each row's features.
     *
     * @param column an array of numbers
     * @return this builder
     */
    public Builder featuresCol(String column) {
      this.features = List.of(column);
      return this;
    }

    /**
     * Sets numeric columns assembled, in order, into each row's features.
     *
     * @param columns numeric columns
     * @return this builder
     */
    public Builder featuresCols(String... columns) {
      this.features = List.of(columns);
      return this;
    }

    /**
     * Sets the name of the appended prediction column (default {@code prediction}).
     *
     * @param column the column name
     * @return this builder
     */
    public Builder predictionCol(String column) {
      this.predictionCol = column;
      return this;
    }

    /**
     * Sets the rows per forward call (default 256).
     *
     * @param rows the batch size
     * @return this builder
     */
    public Builder batchSize(int rows) {
      this.batchSize = rows;
      return this;
    }

    /**
     * Sets libtorch's intra-op threads per executor JVM (default: spark.task.cpus).
     *
     * @param count the thread count
     * @return this builder
     */
    public Builder threads(int count) {
      this.threads = count;
      return this;
    }

    /**
     * Sets the executor-local folder models are copied to.
     *
     * @param dir a local folder
     * @return this builder
     */
    public Builder cacheDir(String dir) {
      this.cacheDir = dir;
      return this;
    }

    /**
     * Builds the scorer.
     *
     * @return the scorer
     * @throws TorchScoreException when a setting is missing or invalid
     */
    public TorchScorer build() {
      return new TorchScorer(
          new ScoreSettings(modelPath, features, predictionCol, batchSize, threads, cacheDir));
    }
  }
}
