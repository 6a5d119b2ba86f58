package io.torchscore.spark;

import static org.apache.spark.sql.functions.col;

import ai.djl.Device;
import io.torchscore.TorchScoreException;
import io.torchscore.config.ConfKeys;
import io.torchscore.config.Redaction;
import io.torchscore.config.ScoreSettings;
import io.torchscore.config.Setting;
import io.torchscore.config.ScoreSettings.OnError;
import io.torchscore.model.DeviceChoice;
import io.torchscore.model.DeviceProbe;
import io.torchscore.model.ModelCache;
import io.torchscore.model.ModelEngine;
import io.torchscore.model.ModelFetcher;
import io.torchscore.model.ModelRef;
import io.torchscore.tensor.InputLayout;
import io.torchscore.tensor.MlVectors;
import io.torchscore.tensor.OutputLayout;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
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
    Prepared prepared = prepare(spark, columns, column -> firstLength(carried, column), metrics);
    InputLayout inputs = prepared.inputs();
    OutputLayout outputs = prepared.outputs();
    ModelRef ref = prepared.ref();
    int batchRows = prepared.batchRows();
    StructType outputSchema = prepared.outputSchema();
    LOG.info(
        "Scoring inputs {} with {}: outputs {}, batch size {}, on error {}",
        inputs,
        ref,
        outputs.fields().stream().map(f -> f.name() + " " + f.dataType().simpleString()).toList(),
        batchRows,
        settings.onError());
    Broadcast<ModelRef> broadcast =
        JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(ref);
    ScorePartitionFunction.Plan plan =
        new ScorePartitionFunction.Plan(
            inputs,
            outputs,
            batchRows,
            settings.rejectNaN(),
            settings.onError(),
            settings.keyColumn() == null ? -1 : schema.fieldIndex(settings.keyColumn()),
            settings.keyColumn(),
            settings.keyColumn() == null ? null : schema.apply(settings.keyColumn()).dataType(),
            columns.holdsFewer()
                ? new ScoredRowIterator.Packing(schema.size(), columns.carried().size())
                : ScoredRowIterator.Packing.whole(),
            new ScorePartitionFunction.Placement(
                settings.device(),
                settings.precision(),
                settings.gpuConcurrency(),
                settings.cacheModels(),
                spark.sparkContext().isLocal()),
            profileTarget(ref),
            new BatchBytes(schema, settings.batchRowsMaxBytes()));
    // A step of the query plan: lazy until an action, usable on streams, named in explain().
    Dataset<Row> scored =
        InternalRowStep.map(
            carried,
            columns.holdsFewer() ? schema.fieldNames() : null,
            new ScoreStep(
                broadcast,
                plan,
                metrics,
                "torchscore(" + ref + ", inputs " + inputs + ", batch " + batchRows + ")"),
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
        all, settings.onError(), settings.errorColumn(), columns.written().fieldNames(), metrics, batchRows);
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
    return prepare(
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
   * What the driver learns before any task: the inputs, the model, its outputs, the schema of the
   * rows scoring makes (held columns and predictions) and of the rows written.
   */
  private record Prepared(
      InputLayout inputs,
      ModelRef ref,
      OutputLayout outputs,
      int batchRows,
      StructType scoredSchema,
      StructType outputSchema) {}

  private Prepared prepare(
      SparkSession spark, CarriedColumns carried, ToIntFunction<String> lengthProbe, ScoreMetrics metrics) {
    StructType schema = carried.carried();
    List<String> columns = Arrays.asList(schema.fieldNames());
    TorchScoreException.check(
        settings.keyColumn() == null || columns.contains(settings.keyColumn()),
        "Cannot score: key column '%s' (%s) is not in the input; columns are %s",
        settings.keyColumn(),
        ConfKeys.KEY_COLUMN,
        columns);
    InputLayout inputs =
        InputLayout.resolve(settings, schema, column -> vectorSize(schema, column).orElseGet(() -> lengthProbe.applyAsInt(column)))
            .withCorruptRecords(schema, spark.conf().get(CORRUPT_RECORD_CONF, "_corrupt_record"));
    ModelRef ref =
        ModelFetcher.locate(
            settings.modelPath(),
            SessionConf.hadoop(spark),
            threads(spark),
            settings.cacheDir(),
            settings.modelSha256())
        .withEngine(settings.engine(), settings.onnxRuntimeProvider());
    ref = ModelFetcher.shipIfDriverLocal(spark, ref);
    OutputLayout outputs;
    // The driver checks the model on its CPU: a GPU cluster's driver often has no GPU.
    long leaseStart = System.nanoTime();
    boolean[] loadedHere = new boolean[1];
    try (ModelCache.Lease lease =
        ModelCache.lease(
            ref,
            Device.cpu(),
            settings.precision(),
            settings.cacheModels(),
            () -> loadedHere[0] = true)) {
      if (loadedHere[0] && metrics != null) {
        String host = spark.sparkContext().getConf().get("spark.driver.host", "localhost");
        metrics.modelLoaded("driver", host, System.nanoTime() - leaseStart);
      }
      outputs = ModelValidator.validate(lease.model(), inputs, settings, labels(spark));
    }
    // After the load above: the probe asks the engine, which DjlEnvironment must set up first.
    DeviceChoice.checkDriver(
        settings.device(),
        spark.sparkContext().isLocal(),
        spark.sparkContext().getConf().get(DeviceChoice.TASK_GPU_AMOUNT, null),
        DeviceProbe.get(ModelEngine.of(settings.engine())));
    int batchRows = inputs.batchRows(settings.batchSize(), settings.batchMaxBytes());
    return new Prepared(
        inputs, ref, outputs, batchRows, appended(carried.held(), outputs), appended(carried.written(), outputs));
  }

  /** Returns the schema with the prediction columns (and the error column) appended. */
  private StructType appended(StructType schema, OutputLayout outputs) {
    StructType appended = schema;
    for (StructField field : outputs.fields()) {
      appended = add(appended, field, ConfKeys.PREDICTION_COLUMN);
    }
    if (settings.onError() != OnError.FAIL) {
      appended =
          add(
              appended,
              DataTypes.createStructField(settings.errorColumn(), DataTypes.StringType, true),
              ConfKeys.ERROR_COLUMN);
    }
    return appended;
  }

  /** Returns where executors write profiler traces, or null when {@code spark.torchscore.profile} is off. */
  private ForwardProfiler.Target profileTarget(ModelRef ref) {
    if (!settings.profile()) {
      return null;
    }
    String runId =
        java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                .format(java.time.LocalDateTime.now())
            + "-"
            + java.util.UUID.randomUUID().toString().substring(0, 8);
    return new ForwardProfiler.Target(runId, settings.profileBatches(), settings.profileDir(), ref.hadoopConf());
  }

  /** Returns a Spark ML vector column's size from its ML attributes, when they give one. */
  private static java.util.Optional<Integer> vectorSize(StructType schema, String column) {
    if (!Arrays.asList(schema.fieldNames()).contains(column)) {
      return java.util.Optional.empty();
    }
    StructField field = schema.apply(column);
    if (!MlVectors.isVector(field.dataType())) {
      return java.util.Optional.empty();
    }
    int size = org.apache.spark.ml.attribute.AttributeGroup.fromStructField(field).size();
    return size > 0 ? java.util.Optional.of(size) : java.util.Optional.empty();
  }

  private static StructType add(StructType schema, StructField field, Setting<String> key) {
    TorchScoreException.check(
        !Arrays.asList(schema.fieldNames()).contains(field.name()),
        "Cannot score: the input already has a column '%s'; set %s to another name",
        field.name(),
        key);
    return schema.add(field);
  }

  /** Returns the length of the first non-null array or vector in the column: a one-row peek. */
  private static int firstLength(Dataset<Row> input, String column) {
    TorchScoreException.check(
        !input.isStreaming(),
        "Cannot score a stream: the length of feature column '%s' is unknown; set %s",
        column,
        ConfKeys.INPUT_SHAPE);
    List<Row> first = input.select(col(column)).where(col(column).isNotNull()).limit(1).collectAsList();
    TorchScoreException.check(
        !first.isEmpty(),
        "Cannot score: feature column '%s' has no value to learn the input's length from; set %s",
        column,
        ConfKeys.INPUT_SHAPE);
    // Spark ML's classes are touched only for a vector column: spark-mllib may be absent.
    return MlVectors.isVector(input.schema().apply(column).dataType())
        ? ((org.apache.spark.ml.linalg.Vector) first.get(0).get(0)).size()
        : first.get(0).getList(0).size();
  }

  private List<String> labels(SparkSession spark) {
    if (settings.labelsPath() == null) {
      return null;
    }
    Path path = new Path(settings.labelsPath());
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(
                path.getFileSystem(SessionConf.hadoop(spark)).open(path),
                StandardCharsets.UTF_8))) {
      return reader.lines().map(String::trim).filter(line -> !line.isEmpty()).toList();
    } catch (IOException e) {
      throw new TorchScoreException(
          e,
          "Cannot read %s=%s: %s; expected a text file with one label per line",
          ConfKeys.LABELS_PATH,
          Redaction.uri(settings.labelsPath()),
          e.getMessage());
    }
  }

  private int threads(SparkSession spark) {
    if (settings.threads() > 0) {
      return settings.threads();
    }
    return spark.sparkContext().getConf().getInt(ConfKeys.SPARK_TASK_CPUS, 1);
  }

  /**
   * Builds a {@link TorchScorer}; the model path and the features are required. The setters are
   * {@link ScoreSettings.Builder}'s.
   */
  public static final class Builder extends ScoreSettings.Builder<Builder> {

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
