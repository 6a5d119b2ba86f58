package io.torchscore.spark;

import io.torchscore.TorchScoreException;
import io.torchscore.config.BatchSize;
import io.torchscore.config.ConfKeys;
import io.torchscore.config.ScoreSettings;
import io.torchscore.config.ScoreSettingsBuilder;
import io.torchscore.model.ModelRef;
import io.torchscore.sparkinternal.BatchBytes;
import io.torchscore.sparkinternal.ColumnarScoreStrategy;
import io.torchscore.sparkinternal.InternalRowStep;
import io.torchscore.tensor.InputLayout;
import io.torchscore.tensor.OutputLayout;
import java.util.Arrays;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends a TorchScript model's predictions to a DataFrame, keeping every input column (or those
 * {@code keepColumns} names) and the rows' order within partitions.
 *
 * <pre>{@code
 * Dataset<Row> scored = TorchScorer.builder()
 *     .modelPath("s3a://bucket/models/mlp.pt")
 *     .featuresCol("features")
 *     .predictionCol("prediction")
 *     .batchSize(4096)
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

  /** Spark's key naming the column where a PERMISSIVE reader puts the records it cannot parse. */
  public static final String CORRUPT_RECORD_CONF = "spark.sql.columnNameOfCorruptRecord";

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
    return new TorchScorer(ScoreSettings.fromConf(SessionConf.entries(spark)));
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
   * Returns the input with the prediction columns appended, the rejected rows and the counters.
   *
   * @param input the rows to score
   * @return the scored rows (lazy), the rejects and their metrics
   * @throws TorchScoreException when the model or the features are not usable
   */
  public ScoreResult score(Dataset<Row> input) {
    SparkSession spark = input.sparkSession();
    TorchScoreException.check(
        !spark.getClass().getName().contains(".connect."),
        "Cannot score on a Spark Connect session (%s): torchscore runs in the executors' JVMs and"
            + " needs classic compute (on Databricks: a dedicated, single-user cluster, not"
            + " serverless or standard access mode)",
        spark.getClass().getName());
    CarriedColumns columns = CarriedColumns.resolve(settings, input.schema());
    Dataset<Row> carried = columns.narrow(input);
    // The columns a batch holds until its rows are emitted: the key is looked up in them.
    StructType schema = columns.held();
    ScoreMetrics metrics = ScoreMetrics.register(spark.sparkContext());
    BatchSizeChoices batchSizeChoices = BatchSizeChoices.register(spark.sparkContext());
    PreparedScoring prepared = PreparedScoring.prepare(settings, spark, columns, column -> FeatureLength.ofFirstValue(carried, column), metrics);
    InputLayout inputs = prepared.inputs();
    OutputLayout outputs = prepared.outputs();
    ModelRef ref = prepared.ref();
    int batchRows = prepared.batchRows();
    StructType outputSchema = prepared.outputSchema();
    BatchSize batchSize = settings.get(ConfKeys.BATCH_SIZE);
    LOG.info(
        "Scoring inputs {} with {}: outputs {}, batch size {}, on error {}",
        inputs,
        ref,
        outputs.fields().stream().map(f -> f.name() + " " + f.dataType().simpleString()).toList(),
        batchSize.auto() ? "auto (at most " + batchRows + " on a CPU)" : batchRows,
        settings.onError());
    Broadcast<ModelRef> broadcast =
        JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(ref);
    ScorePartitionFunction.Plan plan =
        new ScorePartitionFunction.Plan(
            inputs,
            outputs,
            new BatchSizing(batchSize, settings.get(ConfKeys.BATCH_MAX_BYTES), batchSizeChoices),
            settings.rejectNaN(),
            settings.onError(),
            settings.get(ConfKeys.KEY_COLUMN) == null ? -1 : schema.fieldIndex(settings.get(ConfKeys.KEY_COLUMN)),
            settings.get(ConfKeys.KEY_COLUMN),
            settings.get(ConfKeys.KEY_COLUMN) == null ? null : schema.apply(settings.get(ConfKeys.KEY_COLUMN)).dataType(),
            columns.holdsFewer()
                ? new RowPacking(schema.size(), columns.carried().size())
                : RowPacking.whole(),
            new ScorePartitionFunction.Placement(
                settings.get(ConfKeys.DEVICE),
                settings.get(ConfKeys.PRECISION),
                settings.get(ConfKeys.GPU_CONCURRENCY),
                settings.get(ConfKeys.CACHE_MODELS),
                spark.sparkContext().isLocal()),
            settings.get(ConfKeys.PROFILE)
                ? ForwardProfiler.Target.newRun(settings.get(ConfKeys.PROFILE_BATCHES), settings.get(ConfKeys.PROFILE_DIR), ref.hadoopConf())
                : null,
            new BatchBytes(schema, settings.get(ConfKeys.BATCH_ROWS_MAX_BYTES)));
    // A columnar batch's rows are views of its vectors: scoring reads them whole, nothing is held.
    StructType read = columns.carried();
    ScorePartitionFunction.Plan columnarPlan =
        !settings.get(ConfKeys.COLUMNAR)
            ? null
            : plan.withWholeRows(
                settings.get(ConfKeys.KEY_COLUMN) == null ? -1 : read.fieldIndex(settings.get(ConfKeys.KEY_COLUMN)),
                new BatchBytes(read, settings.get(ConfKeys.BATCH_ROWS_MAX_BYTES)));
    // A step of the query plan: lazy until an action, usable on streams, named in explain(); it
    // reads columnar batches where the input's scan gives them (ColumnarScoreStrategy).
    ColumnarScoreStrategy.install(spark);
    Dataset<Row> scored =
        InternalRowStep.map(
            carried,
            columns.holdsFewer() ? schema.fieldNames() : null,
            new ScoreStep(
                broadcast,
                plan,
                columnarPlan,
                read,
                prepared.scoredSchema(),
                metrics,
                "torchscore(" + ref + ", inputs " + inputs + ", batch "
                    + (batchSize.auto() ? "auto" : batchRows) + ")"),
            prepared.scoredSchema());
    // Only the kept columns stand beside the predictions: a projection of Spark's, no row code.
    Dataset<Row> all =
        columns.writesAll()
            ? scored
            : scored.select(
                Arrays.stream(outputSchema.fieldNames())
                    .map(name -> scored.col("`" + name.replace("`", "``") + "`"))
                    .toArray(Column[]::new));
    return new ScoreResult(
        all,
        settings.onError(),
        settings.get(ConfKeys.ERROR_COLUMN),
        columns.written().fieldNames(),
        metrics,
        batchRows,
        batchSizeChoices);
  }

  /**
   * Returns the columns scoring appends to rows of this schema, without running a Spark job: the
   * driver loads the model and scores a sample batch of zeros. An array input needs
   * {@code spark.torchscore.input.shape} (or, for a Spark ML vector, the size in the column's ML
   * attributes, as {@code VectorAssembler} sets it).
   *
   * @param spark the session
   * @param schema the input's schema
   * @return the input's schema (its kept columns) with the prediction (and error) columns appended
   * @throws TorchScoreException when the model or the features are not usable
   */
  public StructType outputSchema(SparkSession spark, StructType schema) {
    return PreparedScoring.prepare(
            settings,
            spark,
            CarriedColumns.resolve(settings, schema),
            column -> {
              throw new TorchScoreException(
                  "Cannot tell the output schema without data: the length of feature column '%s' is"
                      + " unknown; set %s",
                  column,
                  ConfKeys.INPUT_SHAPE);
            },
            null)
        .outputSchema();
  }

  /**
   * Builds a {@link TorchScorer}; the model path and the features are required. The setters are
   * {@link ScoreSettingsBuilder}'s.
   */
  public static final class Builder extends ScoreSettingsBuilder<Builder> {

    private Builder() {}

    /**
     * Builds the scorer.
     *
     * @return the scorer
     * @throws TorchScoreException when a setting is missing or invalid
     */
    public TorchScorer build() {
      return new TorchScorer(buildSettings());
    }
  }
}
