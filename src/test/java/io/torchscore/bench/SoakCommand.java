package io.torchscore.bench;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.randn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.torchscore.NativeMemory;
import io.torchscore.spark.ScoreResult;
import io.torchscore.spark.TorchScorer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The native-memory soak: scores {@code --rows} MLP rows in one local executor and samples this
 * JVM's resident memory (VmRSS) and DJL's live native objects (NDManagers and NDArrays under
 * the engine's root manager) as it goes. Prints the curve and the growth of RSS from the end of
 * the warm-up (the first {@code --warmup-percent} of the rows) to the end; exits 1 when it grows
 * by {@code --max-growth-percent} or more, or when DJL's live objects keep growing.
 *
 * <p>Run it with a fixed, pre-touched heap ({@code -Xms = -Xmx}, {@code -XX:+AlwaysPreTouch}, as
 * jobs/soak does), so that the heap's own growth does not show as RSS growth. The rows are
 * generated (random 10-float arrays) and the output goes to Spark's {@code noop} sink: the soak
 * measures scoring, not the disk.
 */
@Command(name = "soak", description = "Scores many MLP rows in one executor and prints the RSS curve.")
final class SoakCommand implements Callable<Integer> {

  @Option(names = "--rows", defaultValue = "20000000", description = "Rows to score.")
  private long rows;

  @Option(names = "--partitions", defaultValue = "80", description = "Spark partitions (tasks).")
  private int partitions;

  @Option(names = "--batch-size", defaultValue = "256", description = "torchscore batch size.")
  private int batchSize;

  @Option(names = "--model-path", defaultValue = "jobs/models/tutorial_mlp.pt", description = "The model.")
  private String modelPath;

  @Option(names = "--master", defaultValue = "local[2]", description = "Spark master: one executor.")
  private String master;

  @Option(names = "--interval-ms", defaultValue = "1000", description = "Sampling interval.")
  private long intervalMs;

  @Option(names = "--warmup-percent", defaultValue = "20", description = "Rows scored before the baseline.")
  private double warmupPercent;

  @Option(names = "--max-growth-percent", defaultValue = "5", description = "Fail at this RSS growth.")
  private double maxGrowthPercent;

  @Option(names = "--csv", description = "Also write the samples here.")
  private Path csv;

  /** One sample: seconds since start, rows scored (updated as tasks end), RSS, DJL objects. */
  record Sample(double seconds, long rows, long rssKb, int managers, int arrays) {}

  @Override
  public Integer call() throws Exception {
    SparkSession spark = BenchSpark.session(master, -1);
    try {
      Column[] features = new Column[PrepareCommand.MLP_WIDTH];
      for (int i = 0; i < features.length; i++) {
        features[i] = randn(i).cast("float");
      }
      Dataset<Row> input = spark.range(0, rows, 1, partitions).select(col("id"), array(features).as("features"));
      ScoreResult result =
          TorchScorer.builder().modelPath(modelPath).featuresCol("features").batchSize(batchSize).build().score(input);
      // The driver has loaded the model: DJL's engine is up with torchscore's settings.
      NDManager probe = Engine.getEngine("PyTorch").newBaseManager();
      NDManager root = probe.getParentManager();
      probe.close();

      List<Sample> samples = new ArrayList<>();
      long start = System.nanoTime();
      Thread sampler =
          new Thread(
              () -> {
                while (!Thread.currentThread().isInterrupted()) {
                  samples.add(sample(start, result, root));
                  try {
                    Thread.sleep(intervalMs);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "rss-sampler");
      sampler.setDaemon(true);
      sampler.start();
      result.scored().write().format("noop").mode("overwrite").save();
      sampler.interrupt();
      sampler.join();
      Sample last = sample(start, result, root);
      samples.add(last);
      if (last.rows() != rows) {
        System.out.println("soak: scored " + last.rows() + " rows; expected " + rows);
        return 1;
      }
      return report(samples);
    } finally {
      spark.stop();
    }
  }

  private int report(List<Sample> samples) throws IOException {
    System.out.printf("soak: %d MLP rows, batch %d, %s, %d partitions%n", rows, batchSize, master, partitions);
    System.out.printf("%8s %12s %10s %9s %9s%n", "seconds", "rows", "rss_mb", "managers", "arrays");
    StringBuilder lines = new StringBuilder("seconds,rows,rss_kb,managers,arrays\n");
    for (Sample s : samples) {
      System.out.printf("%8.1f %12d %10.1f %9d %9d%n", s.seconds(), s.rows(), s.rssKb() / 1024.0, s.managers(), s.arrays());
      lines.append(String.format("%.1f,%d,%d,%d,%d%n", s.seconds(), s.rows(), s.rssKb(), s.managers(), s.arrays()));
    }
    if (csv != null) {
      Files.createDirectories(csv.toAbsolutePath().getParent());
      Files.writeString(csv, lines);
    }
    long warmRows = (long) (rows * warmupPercent / 100);
    Sample baseline = null;
    for (Sample s : samples) {
      if (s.rows() >= warmRows) {
        baseline = s;
        break;
      }
    }
    Sample end = samples.get(samples.size() - 1);
    long peakAfter = 0;
    int managersAfter = 0;
    for (Sample s : samples) {
      if (baseline != null && s.seconds() >= baseline.seconds()) {
        peakAfter = Math.max(peakAfter, s.rssKb());
        managersAfter = Math.max(managersAfter, s.managers());
      }
    }
    if (baseline == null || baseline == end) {
      System.out.println("soak: too few samples after the warm-up; lower --interval-ms or add rows");
      return 1;
    }
    double growth = 100.0 * (end.rssKb() - baseline.rssKb()) / baseline.rssKb();
    double peakGrowth = 100.0 * (peakAfter - baseline.rssKb()) / baseline.rssKb();
    // After the last task, only the model's own objects remain; a leak would leave one per batch.
    boolean djlLeak = end.managers() > baseline.managers() + 2 || end.arrays() > baseline.arrays() + 2;
    System.out.printf(
        "soak: RSS after warm-up (%.0f%% of rows, %.0f s) %.1f MB; at the end %.1f MB: growth %+.2f%% (peak %+.2f%%);"
            + " limit %.0f%%%n",
        warmupPercent, baseline.seconds(), baseline.rssKb() / 1024.0, end.rssKb() / 1024.0, growth, peakGrowth,
        maxGrowthPercent);
    System.out.printf(
        "soak: DJL live objects under the engine's root manager: managers %d -> %d, arrays %d -> %d%s%n",
        baseline.managers(), end.managers(), baseline.arrays(), end.arrays(), djlLeak ? " (LEAK)" : " (no leak)");
    System.out.printf("soak: %.2f M rows/s over the run%n", rows / end.seconds() / 1e6);
    return growth >= maxGrowthPercent || djlLeak ? 1 : 0;
  }

  private static Sample sample(long start, ScoreResult result, NDManager root) {
    NativeMemory.Reading reading = NativeMemory.read(root);
    return new Sample(
        (System.nanoTime() - start) / 1e9, result.metrics().rows(), reading.rssKb(), reading.managers(), reading.arrays());
  }
}
