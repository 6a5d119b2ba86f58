package io.torchscore.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.torchscore.TorchScoreException;
import io.torchscore.config.ConfKeys;
import io.torchscore.config.JobSettings;
import io.torchscore.config.Redaction;
import io.torchscore.spark.LatencyHistogram;
import io.torchscore.spark.BatchTimes;
import io.torchscore.spark.ScoreMetrics;
import io.torchscore.spark.ScoreResult;
import io.torchscore.spark.SessionConf;
import io.torchscore.spark.TorchScorer;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/** Reads the input table, scores it and writes the result, as the job's settings say. */
public final class ScoreJob {

  // About this many time buckets in the report's throughput series.
  private static final int THROUGHPUT_BUCKETS = 30;

  // Spark settings that shape a run's speed, reported beside torchscore's.
  private static final java.util.Set<String> REPORTED_SPARK_KEYS =
      java.util.Set.of(
          "spark.master",
          "spark.app.name",
          "spark.executor.instances",
          "spark.executor.cores",
          "spark.executor.memory",
          "spark.task.cpus",
          "spark.executor.resource.gpu.amount",
          "spark.task.resource.gpu.amount",
          "spark.sql.shuffle.partitions");

  private final SparkSession spark;
  private final JobSettings settings;
  private final BadRowLimits limits;

  /**
   * Creates a job.
   *
   * @param spark the session to run in
   * @param settings the job's settings
   * @throws TorchScoreException when {@code spark.torchscore.max.bad.*} in the session is invalid
   */
  public ScoreJob(SparkSession spark, JobSettings settings) {
    this.spark = spark;
    this.settings = settings;
    // The session's settings, as every other setting: a notebook's spark.conf.set counts.
    Map<String, String> conf = SessionConf.entries(spark);
    this.limits =
        BadRowLimits.parse(conf.get(ConfKeys.MAX_BAD_FRACTION.key()), conf.get(ConfKeys.MAX_BAD_ROWS.key()));
  }

  /**
   * Runs the job: read, score, write, and write the JSON report when one is asked for. The output
   * is put in place only when everything was written and the bad rows are within the limits.
   *
   * @return what the run did
   * @throws TorchScoreException when a setting, the model or the input is not usable
   * @throws RunFailedException when there were too many bad rows or the output could not be put
   *     in place
   */
  public RunReport run() {
    long start = System.nanoTime();
    checkFileSystems();
    StagedOutput output =
        StagedOutput.plan(
            spark,
            ConfKeys.OUTPUT_PATH,
            settings.outputPath(),
            settings.outputFormat(),
            settings.outputMode(),
            settings.partitionBy());
    StagedOutput rejects =
        settings.rejectsPath() == null
            ? null
            : StagedOutput.plan(
                spark,
                ConfKeys.REJECTS_PATH,
                settings.rejectsPath(),
                settings.rejectsFormat(),
                settings.outputMode(),
                settings.partitionBy());
    ScoreProgress progress = null;
    ExecutorProblems problems = new ExecutorProblems();
    spark.sparkContext().addSparkListener(problems);
    try {
      Input input = read();
      ScoreResult result = new TorchScorer(settings.score()).score(input.rows());
      ScanBatchSize.match(spark, result.batchRows());
      output.checkPartitionColumns(result.scored().schema());
      if (rejects != null) {
        rejects.checkPartitionColumns(result.rejects().schema());
      }
      long totalRows = cheapRowCount(input.rows());
      progress = ScoreProgress.start(spark.sparkContext(), result.metrics(), ProgressDisplay.onStderr(totalRows));
      if (rejects == null) {
        output.write(input.withoutAdded(result.scored()));
      } else {
        // One scoring pass feeds both writes.
        result.persist();
        try {
          output.write(input.withoutAdded(result.scored()));
          rejects.write(result.rejects());
        } finally {
          result.unpersist();
        }
      }
      progress.awaitJobEnds();
      double scoringSeconds = progress.scoringSeconds();
      progress.close();
      progress = null;
      limits.check(result.metrics());
      output.commit();
      if (rejects != null) {
        rejects.commit();
      }
      RunReport report = report(result, start, scoringSeconds);
      if (settings.reportPath() != null) {
        writeReport(report, settings.reportPath());
      }
      return report;
    } finally {
      spark.sparkContext().removeSparkListener(problems);
      if (progress != null) {
        progress.close();
      }
      output.discard();
      if (rejects != null) {
        rejects.discard();
      }
    }
  }

  private RunReport report(ScoreResult result, long start, double scoringSeconds) {
    return new RunReport(
        Redaction.uri(settings.score().get(ConfKeys.MODEL_PATH)),
        Redaction.uri(settings.inputPath()),
        Redaction.uri(settings.outputPath()),
        settings.outputFormat(),
        Redaction.uri(settings.rejectsPath()),
        result.metrics().rows(),
        result.metrics().nulled(),
        result.metrics().skipped(),
        result.metrics().badRowsByReason(),
        result.metrics().batches(),
        result.metrics().modelLoads(),
        result.batchRows(),
        settings.score().get(ConfKeys.BATCH_SIZE).auto(),
        (System.nanoTime() - start) / 1e9,
        scoringSeconds,
        new RunReport.DeviceUse(
            tasksByDevice(result.metrics().devices()),
            result.metrics().outOfMemorySplits(),
            result.metrics().batchRowsThatFitted(),
            result.metrics().gpuWaitMillis()),
        details(result.metrics()),
        new RunReport.NonFinite(
            result.metrics().nanInputValues(),
            result.metrics().infiniteInputValues(),
            result.metrics().nanOutputValues()),
        result.batchSizeChoices());
  }

  private RunReport.Details details(ScoreMetrics metrics) {
    java.util.Map<String, LatencyHistogram> batchTimes = new java.util.LinkedHashMap<>();
    BatchTimes times = metrics.batchTimes();
    for (BatchTimes.Stage stage : BatchTimes.Stage.values()) {
      batchTimes.put(stage.label(), times.of(stage));
    }
    return new RunReport.Details(
        batchTimes, Throughput.of(metrics.partitions(), THROUGHPUT_BUCKETS), metrics.modelLoadTimes(), usedSettings(), metrics.traces());
  }

  /** Returns torchscore's settings and Spark's resource settings of this run, secrets redacted. */
  private java.util.Map<String, String> usedSettings() {
    java.util.Map<String, String> conf = new java.util.TreeMap<>();
    for (scala.Tuple2<String, String> entry : spark.sparkContext().getConf().getAll()) {
      conf.put(entry._1(), entry._2());
    }
    conf.putAll(SessionConf.entries(spark));
    java.util.Map<String, String> used = new java.util.TreeMap<>();
    conf.forEach(
        (key, value) -> {
          if (key.startsWith(ConfKeys.PREFIX) || REPORTED_SPARK_KEYS.contains(key)) {
            used.put(key, Redaction.confValue(key, value));
          }
        });
    return used;
  }

  /** Counts task attempts per device from entries such as {@code executor 1, partition 3: gpu(1) (...)}. */
  private static java.util.Map<String, Long> tasksByDevice(java.util.List<String> tasks) {
    java.util.Map<String, Long> counts = new java.util.TreeMap<>();
    for (String task : tasks) {
      String choice = task.substring(task.indexOf(": ") + 2);
      int space = choice.indexOf(' ');
      counts.merge(space < 0 ? choice : choice.substring(0, space), 1L, Long::sum);
    }
    return counts;
  }

  private void checkFileSystems() {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    FileSystemCheck.check(conf, ConfKeys.MODEL_PATH, settings.score().get(ConfKeys.MODEL_PATH));
    FileSystemCheck.check(conf, ConfKeys.LABELS_PATH, settings.score().get(ConfKeys.LABELS_PATH));
    FileSystemCheck.check(conf, ConfKeys.INPUT_PATH, settings.inputPath());
    FileSystemCheck.check(conf, ConfKeys.OUTPUT_PATH, settings.outputPath());
    FileSystemCheck.check(conf, ConfKeys.REJECTS_PATH, settings.rejectsPath());
    FileSystemCheck.check(conf, ConfKeys.REPORT_PATH, settings.reportPath());
  }

  /**
   * Returns the input's row count when its format keeps it in file footers (Parquet, ORC: Spark
   * counts from them without reading any column), else -1: a CSV or JSON input would be read
   * twice.
   */
  private long cheapRowCount(Dataset<Row> input) {
    String format = settings.inputFormat().toLowerCase(java.util.Locale.ROOT);
    return format.equals("parquet") || format.equals("orc") ? input.count() : -1;
  }

  /**
   * The rows read, and the column the job added to them (or null): Spark's corrupt-record column
   * for a CSV input, which the output leaves out and the rejects keep.
   */
  private record Input(Dataset<Row> rows, String addedColumn) {

    Dataset<Row> withoutAdded(Dataset<Row> scored) {
      return addedColumn == null ? scored : scored.drop(addedColumn);
    }
  }

  private Input read() {
    InputCheck.check(SessionConf.hadoop(spark), settings.inputFormat(), settings.inputPath());
    try {
      Dataset<Row> rows =
          spark.read().format(settings.inputFormat()).options(settings.inputOptions()).load(settings.inputPath());
      String corrupt = spark.conf().get(TorchScorer.CORRUPT_RECORD_CONF, "_corrupt_record");
      if (!"csv".equalsIgnoreCase(settings.inputFormat())
          || hasOption("mode")
          || hasOption("columnNameOfCorruptRecord")
          || Arrays.asList(rows.columns()).contains(corrupt)) {
        return new Input(rows, null);
      }
      // Spark's PERMISSIVE reader then puts a line with more or fewer fields than the header in
      // this column (it would otherwise be scored on shifted or missing values): a bad row.
      return new Input(
          spark
              .read()
              .format(settings.inputFormat())
              .options(settings.inputOptions())
              .schema(rows.schema().add(corrupt, DataTypes.StringType, true))
              .load(settings.inputPath()),
          corrupt);
    } catch (Exception e) {
      // Spark's AnalysisException (no such path, unknown format) is checked in Java's eyes.
      throw new TorchScoreException(
          e,
          "Cannot read input %s as %s: %s; check %s and %s",
          Redaction.uri(settings.inputPath()),
          settings.inputFormat(),
          TorchScoreException.firstLine(e.getMessage()),
          ConfKeys.INPUT_PATH,
          ConfKeys.INPUT_FORMAT);
    }
  }

  private boolean hasOption(String name) {
    return settings.inputOptions().keySet().stream().anyMatch(name::equalsIgnoreCase);
  }

  private void writeReport(RunReport report, String path) {
    Path target = new Path(path);
    try {
      FileSystem fs = target.getFileSystem(spark.sparkContext().hadoopConfiguration());
      try (OutputStream out = fs.create(target, true)) {
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(out, report.toMap());
      }
      try (OutputStream out = fs.create(HtmlReport.beside(target), true)) {
        out.write(HtmlReport.render(report).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new TorchScoreException(
          e, "Cannot write the run report to %s: %s", Redaction.uri(path), e.getMessage());
    }
  }
}
