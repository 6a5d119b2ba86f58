package io.torchscore.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.torchscore.config.JobSettings;
import io.torchscore.job.RunReport;
import io.torchscore.job.ScoreJob;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code torchscore} mode of {@code resnet18_jpeg}: the job itself, as jobs/score runs it, over
 * a folder of JPEG files read with {@code binaryFile}, each image decoded and preprocessed by
 * torchscore (resize 256, crop 224, ImageNet normalisation), scored by ResNet-18 in batches, its
 * top-5 labels ({@code postprocess=topk}, {@code labels.path}) written to Parquet beside every input
 * column, {@code batch-size} files per partition. One unmeasured run over the warm-up folder comes
 * first. {@code local[2]}: two tasks at a
 * time, each on one libtorch intra-op thread (torchscore's default). Appends one JSON line to the
 * runs file.
 */
@Command(name = "jpeg", description = "Times the job over a folder of JPEG files (resnet18_jpeg).")
final class JpegCommand implements Callable<Integer> {

  private static final long OPEN_COST = 64L << 20;

  @Option(names = "--model-path", required = true, description = "The TorchScript ResNet-18.")
  private String modelPath;

  @Option(names = "--labels", required = true, description = "Class labels, one a line.")
  private String labels;

  @Option(names = "--images", required = true, description = "The folder of JPEG files to score.")
  private Path images;

  @Option(names = "--warmup-images", required = true, description = "The folder of the unmeasured run.")
  private Path warmupImages;

  @Option(names = "--batch-size", defaultValue = "32", description = "Rows per forward call.")
  private int batchSize;

  @Option(names = "--master", defaultValue = "local[2]", description = "Spark master.")
  private String master;

  @Option(names = "--out", defaultValue = "target/bench/out", description = "Output folder.")
  private Path out;

  @Option(names = "--runs", required = true, description = "JSON-lines file to append the run to.")
  private Path runs;

  @Override
  public Integer call() throws IOException {
    // Exactly batchSize files per partition, so every batch is full, as the DataLoader's are (a
    // ragged last batch is a new shape, which TorchScript's profiling executor re-optimises for):
    // each file counts as OPEN_COST (its size is far smaller) and a split holds batchSize of them.
    SparkSession spark = BenchSpark.session(master, batchSize * OPEN_COST - 1);
    spark.conf().set("spark.sql.files.openCostInBytes", Long.toString(OPEN_COST));
    try {
      String threads =
          "Spark " + master + ": " + spark.sparkContext().defaultParallelism()
              + " concurrent tasks x 1 libtorch intra-op thread (decoding in the same tasks)";
      score(spark, warmupImages, out.resolve("resnet18_jpeg-torchscore-warmup"));
      long start = System.nanoTime();
      RunReport report = score(spark, images, out.resolve("resnet18_jpeg-torchscore"));
      double seconds = (System.nanoTime() - start) / 1e9;
      long rows = report.rowsScored();
      Map<String, Object> run = new LinkedHashMap<>();
      run.put("model", "resnet18_jpeg");
      run.put("mode", "torchscore");
      run.put("batch_size", batchSize);
      run.put("rows", rows);
      run.put("batches", report.batches());
      run.put("seconds", Math.round(seconds * 1000) / 1000.0);
      run.put("rows_per_s", Math.round(rows / seconds * 10) / 10.0);
      run.put("threads", threads);
      run.put("precision", "fp32");
      run.put("engine", "pytorch");
      run.put("output_columns", "all");
      // binaryFile's scan gives rows, not columnar batches: the step scores rows (torchscore (rows)).
      run.put("path", RunRecord.ROWS);
      run.put("note", "binaryFile -> ImageIO decode + PIL-exact resize -> ResNet-18 -> top-5 labels -> Parquet"
          + " (path, modificationTime, length, content, prediction)");
      Files.createDirectories(runs.toAbsolutePath().getParent());
      Files.writeString(runs, new ObjectMapper().writeValueAsString(run) + "\n", StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      System.out.printf("bench: resnet18_jpeg torchscore  batch %6d: %d rows (%d batches) in %.2f s = %,.1f rows/s%n",
          batchSize, rows, report.batches(), seconds, rows / seconds);
      return 0;
    } finally {
      spark.stop();
    }
  }

  private RunReport score(SparkSession spark, Path folder, Path output) {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.torchscore.model.path", modelPath);
    conf.put("spark.torchscore.input.path", folder.toString());
    conf.put("spark.torchscore.input.format", "binaryFile");
    conf.put("spark.torchscore.features", "content");
    conf.put("spark.torchscore.batch.size", Integer.toString(batchSize));
    // A batch of batchSize 224 x 224 images fits (the 8 MiB default holds 13).
    conf.put("spark.torchscore.batch.max.bytes", Long.toString((long) batchSize * 3 * 224 * 224 * 4));
    conf.put("spark.torchscore.postprocess", "topk");
    conf.put("spark.torchscore.topk", "5");
    conf.put("spark.torchscore.labels.path", labels);
    conf.put("spark.torchscore.output.path", output.toString());
    conf.put("spark.torchscore.output.mode", "overwrite");
    return new ScoreJob(spark, JobSettings.fromConf(conf)).run();
  }
}
