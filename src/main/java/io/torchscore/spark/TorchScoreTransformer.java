package io.torchscore.spark;

import io.torchscore.TorchScoreException;
import io.torchscore.config.ConfKeys;
import io.torchscore.config.ScoreSettings;
import io.torchscore.config.Setting;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * torchscore as a Spark ML {@link Transformer}, for a {@code Pipeline} (after a
 * {@code VectorAssembler}, say): one string {@link Param} per scoring setting, named as the
 * setting without its {@code spark.torchscore.} prefix ({@code model.path}, {@code features},
 * {@code batch.size}, ...), saved and loaded with the pipeline.
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
  private final Param<String>[] settings;

  /** Creates a transformer with a random uid. */
  public TorchScoreTransformer() {
    this(Identifiable$.MODULE$.randomUID("torchscore"));
  }

  /**
   * Creates a transformer; Spark ML's copy and load call this.
   *
   * @param uid the stage's uid
   */
  @SuppressWarnings("unchecked")
  public TorchScoreTransformer(String uid) {
    this.uid = uid;
    List<Param<String>> params = new ArrayList<>();
    for (Setting<?> setting : ConfKeys.all(Setting.Scope.SCORING)) {
      params.add(new Param<>(this, setting.name(), setting.doc() + " (default " + setting.defaultText() + ")"));
    }
    this.settings = params.toArray(new Param[0]);
  }

  /**
   * Loads a saved transformer.
   *
   * @return the reader
   */
  public static MLReader<TorchScoreTransformer> read() {
    return new DefaultParamsReader<>();
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
   * @throws TorchScoreException naming the closest setting when the name is unknown
   */
  public TorchScoreTransformer setOption(String name, String value) {
    String shortName = name.startsWith(ConfKeys.PREFIX) ? name.substring(ConfKeys.PREFIX.length()) : name;
    for (Param<String> param : settings) {
      if (param.name().equals(shortName)) {
        set(param, value);
        return this;
      }
    }
    ConfKeys.checkKnown(java.util.Map.of(ConfKeys.PREFIX + shortName, value));
    throw new TorchScoreException("Cannot set %s on the transformer: it is a job setting", name);
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
    for (Param<String> param : settings) {
      if (isDefined(param)) {
        builder.option(param.name(), $(param));
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
