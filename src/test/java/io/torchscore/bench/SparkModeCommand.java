package io.torchscore.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.torchscore.TorchScoreException;
import io.torchscore.bench.RunRecord.Variant;
import io.torchscore.config.JobSettings;
import io.torchscore.job.RunReport;
import io.torchscore.job.ScoreJob;
import io.torchscore.spark.BatchSizeChoices;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.util.LongAccumulator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs one Spark mode (passthrough, torchscore or row_udf) of one model, read to write, in this
 * JVM's one embedded session, for each variant (precision, engine, written columns) at each batch
 * size; one unmeasured run over the warm-up table comes first for each variant (JIT, model load,
 * TorchScript's first optimisation), and the outputs go to Parquet as the job's would.
 * {@code local[2]} runs two tasks at a time; torchscore and row_udf give each task one libtorch
 * intra-op thread (torchscore's own default: spark.task.cpus).
 *
 * <p>{@code passthrough} is the floor: Spark's own read and write of the same output schema,
 * with a constant prediction column of the model's output type and no user code at all. Written
 * columns other than all still read the features (a {@code features IS NOT NULL} filter, Spark's
 * own expression), as scoring must, so the floor reads and writes what torchscore reads and writes.
 */
@Command(name = "spark", description = "Times a Spark mode: passthrough, torchscore or row_udf.")
final class SparkModeCommand implements Callable<Integer> {

  @Option(names = "--model", required = true, description = "mlp or resnet18")
  private String model;

  @Option(names = "--mode", required = true, description = "passthrough, torchscore or row_udf")
  private String mode;

  @Option(names = "--model-path", required = true, description = "The TorchScript file.")
  private String modelPath;

  @Option(
      names = "--variant",
      description = "precision:engine:columns[@model file], repeatable (default fp32:pytorch:all);"
          + " e.g. int8-dynamic:pytorch:id@mlp_int8_dynamic.pt, fp16:pytorch:id, fp32:onnxruntime:id@mlp.onnx")
  private List<String> variants = new ArrayList<>(List.of("fp32:pytorch:all"));

  @Option(names = "--reference", description = "PyTorch's float32 outputs of the first rows (little-endian float32).")
  private Path reference;

  @Option(names = "--reference-rows", defaultValue = "0", description = "Rows the reference holds.")
  private int referenceRows;

  @Option(
      names = "--reference-ids",
      description = "The id of each row of the float32 export (little-endian int64); without it, row i has id i.")
  private Path referenceIds;

  @Option(names = "--input", required = true, description = "The Parquet table to score.")
  private Path input;

  @Option(names = "--warmup-input", required = true, description = "The table of the unmeasured first run.")
  private Path warmupInput;

  @Option(names = "--width", required = true, description = "Floats per row.")
  private int width;

  @Option(names = "--expected-rows", required = true, description = "Rows the input holds.")
  private long expectedRows;

  @Option(names = "--batch-sizes", required = true, split = ",", description = "Batch sizes, in order.")
  private List<Integer> batchSizes;

  @Option(names = "--master", defaultValue = "local[2]", description = "Spark master.")
  private String master;

  @Option(names = "--out", defaultValue = "target/bench/out", description = "Output folder.")
  private Path out;

  @Option(names = "--runs", required = true, description = "JSON-lines file to append the runs to.")
  private Path runs;

  @Option(names = "--note", description = "A note stored with each run.")
  private String note;

  @Option(
      names = "--best-of",
      defaultValue = "1",
      description = "Timed runs per variant and batch size; the fastest is recorded (the floor and"
          + " torchscore alike: one run of a few seconds is at the mercy of the machine's noise).")
  private int bestOf;

  @Option(
      names = "--auto",
      description = "torchscore: also score with batch.size=auto, in turns with the batch sizes (--best-of runs; the"
          + " first times its batches, the later ones reuse the choice kept with the loaded model).")
  private boolean auto;

  @Option(
      names = "--path",
      defaultValue = RunRecord.COLUMNAR,
      description = "torchscore: columnar (the default: the step reads the Parquet scan's columnar batches) or rows"
          + " (spark.torchscore.columnar=false: the step scores rows); recorded with each run.")
  private String path;

  private SparkSession spark;
  private RunReport lastReport;

  @Override
  public Integer call() throws IOException {
    if (!List.of(RunRecord.COLUMNAR, RunRecord.ROWS).contains(path)) {
      throw new IllegalArgumentException("--path: columnar or rows; got " + path);
    }
    spark = BenchSpark.session(master, BenchSpark.splitAbove(input, warmupInput));
    try {
      String threads =
          "Spark " + master + ": " + spark.sparkContext().defaultParallelism() + " concurrent tasks"
              + ("passthrough".equals(mode) ? "" : " x 1 libtorch intra-op thread");
      for (String spec : variants) {
        int at = spec.indexOf('@');
        Variant variant = Variant.parse(at < 0 ? spec : spec.substring(0, at));
        String file = at < 0 ? modelPath : spec.substring(at + 1);
        Path output = out.resolve(model + "-" + mode);
        try {
          runOnce(warmupInput, variant, file, batchSizes.get(0), out.resolve(model + "-" + mode + "-warmup"));
        } catch (TorchScoreException refused) {
          RunRecord.skipped(model, mode, variant, batchSizes.get(0), threads, "refused by torchscore: " + refused.getMessage())
              .withPath(runPath())
              .append(runs);
          continue;
        }
        List<Integer> sizes = "passthrough".equals(mode) ? List.of(0) : batchSizes;
        sweep(variant, file, output, sizes, auto && "torchscore".equals(mode), threads);
      }
      return 0;
    } finally {
      spark.stop();
    }
  }

  /**
   * Scores each batch size, and batch.size=auto when asked, --best-of times in turns (every size
   * once, then every size again), so that a slow spell of the machine falls on one run of each
   * rather than on every run of one; records the fastest run of each. The first auto run times
   * its batches; the later ones reuse the choice kept with the loaded model. Every run overwrites
   * the same output, so that each deletes its predecessor's (a run writing elsewhere ran beside
   * the write-back of the one before); in the last round each run's output is compared with
   * PyTorch's outputs before the next run, untimed.
   */
  private void sweep(Variant variant, String file, Path output, List<Integer> sizes, boolean withAuto, String threads)
      throws IOException {
    int runsPerRound = sizes.size() + (withAuto ? 1 : 0);
    List<List<Double>> allSeconds = new ArrayList<>();
    for (int i = 0; i < runsPerRound; i++) {
      allSeconds.add(new ArrayList<>());
    }
    long rows = 0;
    int chosen = 0;
    long probeMillis = 0;
    Double[] diffs = new Double[runsPerRound];
    for (int round = 0; round < bestOf; round++) {
      for (int i = 0; i < runsPerRound; i++) {
        boolean isAuto = i == sizes.size();
        long start = System.nanoTime();
        rows = runOnce(input, variant, file, isAuto ? RunRecord.AUTO : sizes.get(i), output);
        allSeconds.get(i).add((System.nanoTime() - start) / 1e9);
        if (rows < 0) {
          rows = spark.read().parquet(output.toString()).count();
        }
        if (rows != expectedRows) {
          throw new IllegalStateException(
              mode + (isAuto ? " (auto)" : "") + " processed " + rows + " rows of " + input + "; expected " + expectedRows);
        }
        if (round == bestOf - 1 && reference != null && "torchscore".equals(mode)) {
          diffs[i] = maxAbsDiff(output);
        }
        if (isAuto && round == 0) {
          for (BatchSizeChoices.Choice choice : lastReport.batchSizeAuto()) {
            chosen = Math.max(chosen, choice.batchSize());
            probeMillis = Math.max(probeMillis, choice.probeMillis());
          }
        }
      }
    }
    String fastest = bestOf == 1 ? null : "fastest of " + bestOf + " timed runs, in turns with the other batch sizes";
    for (int i = 0; i < sizes.size(); i++) {
      int batchSize = sizes.get(i);
      List<Double> times = allSeconds.get(i);
      String runNote = fastest == null ? note : (note == null ? "" : note + "; ") + fastest + runTimes(times);
      append(
          new RunRecord(
              model, mode, variant, "row_udf".equals(mode) ? 1 : batchSize, rows, Collections.min(times), threads, runNote,
              diffs[i]),
          times);
    }
    if (withAuto) {
      List<Double> times = allSeconds.get(sizes.size());
      String runNote =
          String.format(
              "batch.size=auto; %s; the first (which timed its batches) ran at %,.0f rows/s",
              fastest == null ? "one run" : fastest + runTimes(times), rows / times.get(0));
      append(
          new RunRecord(
              model, mode, variant, RunRecord.AUTO, rows, Collections.min(times), threads, runNote, diffs[sizes.size()], chosen,
              probeMillis),
          times);
    }
  }

  /** Appends a run, the fastest of {@code times}, on torchscore's path, with their median when there are several. */
  private void append(RunRecord record, List<Double> times) {
    RunRecord onPath = record.withPath(runPath());
    (times.size() == 1 ? onPath : onPath.withMedian(median(times))).append(runs);
  }

  /** Returns each timed run's seconds in the order run, e.g. {@code  (13.4, 16.0, 14.2 s)}. */
  private static String runTimes(List<Double> seconds) {
    List<String> each = new ArrayList<>();
    for (double taken : seconds) {
      each.add(String.format(Locale.ROOT, "%.1f", taken));
    }
    return " (" + String.join(", ", each) + " s)";
  }

  /** Returns the median (the mean of the middle two when even). */
  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int middle = sorted.size() / 2;
    return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
  }

  /** torchscore's path for the runs' records; null for the other modes. */
  private String runPath() {
    return "torchscore".equals(mode) ? path : null;
  }

  /** Reads, processes and writes the table; returns the rows processed, or -1 to count the output. */
  private long runOnce(Path table, Variant variant, String file, int batchSize, Path output) {
    switch (mode) {
      case "torchscore":
        return torchscore(table, variant, file, batchSize, output);
      case "passthrough":
        floor(table, variant, output);
        return -1;
      case "row_udf":
        {
          LongAccumulator counter = spark.sparkContext().longAccumulator("rows");
          boolean scalar = "mlp".equals(model);
          DataType type = scalar ? DataTypes.FloatType : DataTypes.createArrayType(DataTypes.FloatType, false);
          UserDefinedFunction udf =
              functions.udf(new RowUdfModel(Path.of(file).toAbsolutePath().toString(), width, scalar, counter), type);
          spark
              .read()
              .parquet(table.toString())
              .withColumn("prediction", udf.apply(col("features")))
              .write()
              .mode("overwrite")
              .parquet(output.toString());
          return counter.value();
        }
      default:
        throw new IllegalArgumentException("--mode: passthrough, torchscore or row_udf; got " + mode);
    }
  }

  /**
   * The floor: Spark reads the table and writes the same columns torchscore writes, the
   * prediction a constant of the model's output type (the MLP's float, ResNet-18's 1,000 floats).
   */
  private void floor(Path table, Variant variant, Path output) {
    Dataset<Row> rows = spark.read().parquet(table.toString());
    boolean scalar = "mlp".equals(model);
    Column prediction =
        scalar
            ? lit(0f).cast(DataTypes.FloatType)
            // Folded to one literal of array<float> without nulls, torchscore's logits type.
            : functions.array_repeat(lit(0f), 1000);
    Dataset<Row> written;
    if ("all".equals(variant.outputColumns())) {
      written = rows.withColumn("prediction", prediction);
    } else {
      Column[] kept =
          Arrays.stream(variant.outputColumns().split(",")).map(String::trim).map(functions::col).toArray(Column[]::new);
      written = rows.where(col("features").isNotNull()).select(kept).withColumn("prediction", prediction);
    }
    written.write().mode("overwrite").parquet(output.toString());
  }

  /** The job itself, as jobs/score runs it: settings as Spark conf keys, read, score, write. */
  private long torchscore(Path table, Variant variant, String file, int batchSize, Path output) {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.torchscore.model.path", file);
    conf.put("spark.torchscore.features", "features");
    conf.put("spark.torchscore.batch.size", batchSize == RunRecord.AUTO ? "auto" : Integer.toString(batchSize));
    conf.put("spark.torchscore.input.path", table.toString());
    conf.put("spark.torchscore.output.path", output.toString());
    conf.put("spark.torchscore.output.mode", "overwrite");
    if (List.of("fp16", "bf16").contains(variant.precision())) {
      conf.put("spark.torchscore.precision", variant.precision());
    }
    conf.put("spark.torchscore.engine", variant.engine());
    if (RunRecord.ROWS.equals(path)) {
      conf.put("spark.torchscore.columnar", "false");
    }
    if (!"all".equals(variant.outputColumns())) {
      conf.put("spark.torchscore.output.columns", variant.outputColumns());
    }
    RunReport report = new ScoreJob(spark, JobSettings.fromConf(conf)).run();
    lastReport = report;
    return report.rowsScored();
  }

  /** Returns the largest difference between the written predictions and PyTorch's float32 outputs. */
  private double maxAbsDiff(Path output) throws IOException {
    float[] expected = RawFloats.read(reference);
    int outputs = expected.length / referenceRows;
    Map<Long, Integer> positions = new HashMap<>();
    for (int i = 0; i < referenceRows; i++) {
      positions.put(referenceIds == null ? i : RawFloats.readLong(referenceIds, i), i);
    }
    double max = 0;
    List<Row> rows =
        spark.read().parquet(output.toString()).where(col("id").isin(positions.keySet().toArray()))
            .select("id", "prediction").collectAsList();
    if (rows.size() != referenceRows) {
      throw new IllegalStateException("found " + rows.size() + " of the " + referenceRows + " reference rows in " + output);
    }
    for (Row row : rows) {
      int id = positions.get(row.getLong(0));
      Object prediction = row.get(1);
      List<?> values = prediction instanceof Number ? List.of(prediction) : row.getList(1);
      for (int j = 0; j < outputs; j++) {
        max = Math.max(max, Math.abs(((Number) values.get(j)).doubleValue() - expected[id * outputs + j]));
      }
    }
    return max;
  }
}
