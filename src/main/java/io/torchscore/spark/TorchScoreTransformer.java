package io.torchscore.spark;

import io.torchscore.TorchScoreException;
import io.torchscore.config.ConfKeys;
import io.torchscore.config.ScoreSettings;
import io.torchscore.config.Setting;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * torchscore as a Spark ML {@link Transformer}, for a {@code Pipeline} (after a
 * {@code VectorAssembler}, say): one {@link Param} per scoring setting, named as the setting
 * without its {@code spark.torchscore.} prefix ({@code model.path}, {@code features},
 * {@code batch.size}, ...), saved and loaded with the pipeline. Whole-number settings are
 * {@code IntParam}s, true/false ones {@code BooleanParam}s, the others their conf text; each is
 * checked by its setting when set, so a bad value fails at {@code set}, not when scoring runs.
 *
 * <pre>{@code
 * TorchScoreTransformer scorer = new TorchScoreTransformer()
 *     .setModelPath("dbfs:/models/mlp.pt")
 *     .setFeaturesCol("features")
 *     .setOption("batch.size", "1024");
 * PipelineModel model = new Pipeline().setStages(new PipelineStage[] {assembler, scorer}).fit(df);
 * }</pre>
 */
public final class TorchScoreTransformer extends Transformer implements DefaultParamsWritable {

  private static final long serialVersionUID = 1L;

  private final String uid;
  private final Param<?>[] settings;

  /** Creates a transformer with a random uid. */
  public TorchScoreTransformer() {
    this(Identifiable$.MODULE$.randomUID("torchscore"));
  }

  /**
   * Creates a transformer; Spark ML's copy and load call this.
   *
   * @param uid the stage's uid
   */
  public TorchScoreTransformer(String uid) {
    this.uid = uid;
    this.settings =
        ConfKeys.all(Setting.Scope.SCORING).stream()
            .map(setting -> SettingParams.of(this, setting))
            .toArray(Param<?>[]::new);
  }

  /**
   * Loads a saved transformer.
   *
   * @return the reader
   */
  public static MLReader<TorchScoreTransformer> read() {
    return new SavedStageReader();
  }

  /**
   * Loads a transformer saved with {@code write().save(path)}.
   *
   * @param path where it was saved
   * @return the transformer
   */
  public static TorchScoreTransformer load(String path) {
    return read().load(path);
  }

  @Override
  public String uid() {
    return uid;
  }

  @Override
  public Param<?>[] params() {
    return settings.clone();
  }

  /**
   * Sets any scoring setting by its name ({@code batch.size}) or key ({@code spark.torchscore.batch.size}).
   *
   * @param name the setting
   * @param value its value, as in a Spark conf
   * @return this transformer
   * @throws TorchScoreException naming the closest setting when the name is unknown, and naming
   *     the setting and what it expects when the value is invalid
   */
  @SuppressWarnings("unchecked")
  public TorchScoreTransformer setOption(String name, String value) {
    Setting<?> setting = ConfKeys.named(name);
    TorchScoreException.check(
        setting.scope() == Setting.Scope.SCORING, "Cannot set %s on the transformer: it is a job setting", setting);
    set((Param<Object>) getParam(setting.name()), SettingParams.value(setting, value));
    return this;
  }

  /**
   * Sets the model's location ({@code model.path}).
   *
   * @param path a local path or Hadoop FS URI of a TorchScript file
   * @return this transformer
   */
  public TorchScoreTransformer setModelPath(String path) {
    return setOption(ConfKeys.MODEL_PATH.name(), path);
  }

  /**
   * Sets the feature column(s) ({@code features}): one vector or array column, or columns.
   *
   * @param columns as {@code spark.torchscore.features} takes them
   * @return this transformer
   */
  public TorchScoreTransformer setFeaturesCol(String columns) {
    return setOption(ConfKeys.FEATURES.name(), columns);
  }

  /**
   * Sets the prediction column's name ({@code prediction.column}).
   *
   * @param column the name
   * @return this transformer
   */
  public TorchScoreTransformer setPredictionCol(String column) {
    return setOption(ConfKeys.PREDICTION_COLUMN.name(), column);
  }

  /**
   * Returns the scorer these params describe.
   *
   * @return the scorer
   * @throws TorchScoreException naming the setting when one is missing or invalid
   */
  public TorchScorer scorer() {
    ScoreSettings.SettingsBuilder builder = ScoreSettings.builder();
    for (Param<?> param : settings) {
      if (isDefined(param)) {
        builder.option(param.name(), String.valueOf($(param)));
      }
    }
    return new TorchScorer(builder.build());
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    return scorer().transform(dataset.toDF());
  }

  @Override
  public StructType transformSchema(StructType schema) {
    return scorer().outputSchema(SparkSession.active(), schema);
  }

  @Override
  public TorchScoreTransformer copy(ParamMap extra) {
    return defaultCopy(extra);
  }
}
