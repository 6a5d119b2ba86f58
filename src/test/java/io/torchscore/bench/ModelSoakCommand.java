package io.torchscore.bench;

import io.torchscore.NativeMemory;
import io.torchscore.WideTableModels;
import io.torchscore.spark.TorchScorer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The long-lived-session soak: one local executor (this JVM) scores {@code --models} different
 * 24 MB models in turn ({@link WideTableModels}), more than {@code --cache-models} keeps loaded, for
 * {@code --rounds} rounds, and reads this JVM's resident memory and DJL's live objects after each
 * round. Exits 1 when RSS grew by {@code --max-growth-percent} or more from the end of the warm-up
 * to the end, or DJL's live objects grew.
 */
@Command(name = "soak-models", description = "Scores many large models in turn in one executor and prints RSS per round.")
final class ModelSoakCommand implements Callable<Integer> {

  @Option(names = "--models", defaultValue = "4", description = "Different models scored in turn.")
  private int models;

  @Option(names = "--cache-models", defaultValue = "2", description = "spark.torchscore.cache.models.")
  private int cacheModels;

  @Option(names = "--rounds", defaultValue = "50", description = "Rounds: each scores every model once.")
  private int rounds;

  @Option(names = "--warmup-rounds", defaultValue = "5", description = "Rounds before the baseline.")
  private int warmupRounds;

  @Option(names = "--rows", defaultValue = "10000", description = "Rows scored per model and round.")
  private long rows;

  @Option(names = "--max-growth-percent", defaultValue = "5", description = "Fail at this RSS growth after the warm-up.")
  private double maxGrowthPercent;

  @Option(names = "--master", defaultValue = "local[2]", description = "Spark master: one executor.")
  private String master;

  @Override
  public Integer call() throws Exception {
    Path dir = Files.createTempDirectory("torchscore-soak-models");
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < models; i++) {
      files.add(WideTableModels.write(dir.resolve("wide-" + i + ".pt"), i + 1));
    }
    SparkSession spark = BenchSpark.session(master, -1);
    List<NativeMemory.Reading> readings = new ArrayList<>();
    try {
      var input =
          spark.range(rows).selectExpr("id", "transform(sequence(0, 9), j -> cast((id + j) % 13 - 6 AS FLOAT)) AS features");
      System.out.printf("soak-models: %d models of %d MB, cache.models=%d, %d rows each, %s%n",
          models, WideTableModels.TABLE_BYTES >> 20, cacheModels, rows, master);
      for (int round = 1; round <= rounds; round++) {
        for (Path file : files) {
          TorchScorer.builder()
              .modelPath(file.toString())
              .featuresCol("features")
              .cacheModels(cacheModels)
              .build()
              .transform(input)
              .write()
              .format("noop")
              .mode("overwrite")
              .save();
        }
        NativeMemory.Reading reading = NativeMemory.read();
        readings.add(reading);
        System.out.printf("round %3d: RSS %8.1f MB, DJL managers %d, arrays %d%n",
            round, reading.rssKb() / 1024.0, reading.managers(), reading.arrays());
      }
    } finally {
      spark.stop();
      for (Path file : files) {
        Files.deleteIfExists(file);
      }
      Files.deleteIfExists(dir);
    }
    NativeMemory.Reading base = readings.get(warmupRounds - 1);
    NativeMemory.Reading end = readings.get(readings.size() - 1);
    double growthMb = (end.rssKb() - base.rssKb()) / 1024.0;
    double growthPercent = 100.0 * (end.rssKb() - base.rssKb()) / base.rssKb();
    boolean djlLeak = end.managers() > base.managers() || end.arrays() > base.arrays();
    System.out.printf("soak-models: RSS at round %d %.1f MB, at round %d %.1f MB: growth %+.1f MB (%+.2f%%); limit %.0f%%%s%n",
        warmupRounds, base.rssKb() / 1024.0, readings.size(), end.rssKb() / 1024.0, growthMb,
        growthPercent, maxGrowthPercent, djlLeak ? "; DJL objects grew (LEAK)" : "");
    return growthPercent >= maxGrowthPercent || djlLeak ? 1 : 0;
  }
}
