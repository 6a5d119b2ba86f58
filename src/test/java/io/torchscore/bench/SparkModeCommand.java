package io.torchscore.bench;

import static org.apache.spark.sql.functions.col;

import io.torchscore.config.JobSettings;
import io.torchscore.job.RunReport;
import io.torchscore.job.ScoreJob;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
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
 * Runs one Spark mode (passthrough, torchscore or row_udf) of one model, read to write, at each
 * batch size, in this JVM's one embedded session; one unmeasured run over the warm-up table
 * comes first (JIT, model load, TorchScript's first optimisation), and the outputs go to
 * Parquet as the job's would. {@code local[2]} runs two tasks at a time; torchscore and row_udf
 * give each task one libtorch intra-op thread (torchscore's own default: spark.task.cpus).
 */
@Command(name = "spark", description = "Times a Spark mode: passthrough, torchscore or row_udf.")
final class SparkModeCommand implements Callable<Integer> {

  @Option(names = "--model", required = true, description = "mlp or resnet18")
  private String model;

  @Option(names = "--mode", required = true, description = "passthrough, torchscore or row_udf")
  private String mode;

  @Option(names = "--model-path", required = true, description = "The TorchScript file.")
  private String modelPath;

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

  private SparkSession spark;

  @Override
  public Integer call() {
    spark = BenchSpark.session(master, BenchSpark.splitAbove(input, warmupInput));
    try {
      String threads =
          "Spark " + master + ": " + spark.sparkContext().defaultParallelism() + " concurrent tasks"
              + ("passthrough".equals(mode) ? "" : " x 1 libtorch intra-op thread");
      runOnce(warmupInput, batchSizes.get(0), out.resolve(model + "-" + mode + "-warmup"));
      for (int batchSize : batchSizes) {
        long start = System.nanoTime();
        long rows = runOnce(input, batchSize, out.resolve(model + "-" + mode));
        double seconds = (System.nanoTime() - start) / 1e9;
        if (rows != expectedRows) {
          throw new IllegalStateException(
              mode + " processed " + rows + " rows of " + input + "; expected " + expectedRows);
        }
        new RunRecord(model, mode, "row_udf".equals(mode) ? 1 : batchSize, rows, seconds, threads, note)
            .append(runs);
      }
      return 0;
    } finally {
      spark.stop();
    }
  }

  /** Reads, processes and writes the table; returns the rows processed. */
  private long runOnce(Path table, int batchSize, Path output) {
    switch (mode) {
      case "torchscore":
        return torchscore(table, batchSize, output);
      case "passthrough":
        {
          LongAccumulator counter = spark.sparkContext().longAccumulator("rows");
          Dataset<Row> rows = spark.read().parquet(table.toString());
          int features = rows.schema().fieldIndex("features");
          rows.mapPartitions(
                  new PassthroughFunction(features, width, batchSize, counter),
                  Encoders.row(rows.schema().add("prediction", DataTypes.FloatType)))
              .write()
              .mode("overwrite")
              .parquet(output.toString());
          return counter.value();
        }
      case "row_udf":
        {
          LongAccumulator counter = spark.sparkContext().longAccumulator("rows");
          boolean scalar = "mlp".equals(model);
          DataType type = scalar ? DataTypes.FloatType : DataTypes.createArrayType(DataTypes.FloatType, false);
          UserDefinedFunction udf =
              functions.udf(new RowUdfModel(Path.of(modelPath).toAbsolutePath().toString(), width, scalar, counter), type);
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

  /** The job itself, as jobs/score runs it: settings as Spark conf keys, read, score, write. */
  private long torchscore(Path table, int batchSize, Path output) {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.torchscore.model.path", modelPath);
    conf.put("spark.torchscore.features", "features");
    conf.put("spark.torchscore.batch.size", Integer.toString(batchSize));
    conf.put("spark.torchscore.input.path", table.toString());
    conf.put("spark.torchscore.output.path", output.toString());
    conf.put("spark.torchscore.output.mode", "overwrite");
    RunReport report = new ScoreJob(spark, JobSettings.fromConf(conf)).run();
    return report.rowsScored();
  }
}
