package io.torchscore.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.torchscore.LocalCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Structured Streaming query scores with a model on the driver's own disk on executors that have
 * never seen it: a stream runs its micro-batches in a clone of the session that shipped the model,
 * and on Spark 4 a session's jobs fetch only that session's files. On real executor JVMs
 * ({@code local-cluster}) with their own temp folder (and so model cache), the model's file gone
 * from the driver's disk before the query starts, then again after a restart from the checkpoint
 * by a new driver (SparkContext) with new executors.
 */
class DriverLocalModelStreamTest {

  private static final Path FIXTURE =
      Paths.get("src/test/resources/fixtures/tutorial_mlp.pt").toAbsolutePath();
  private static final String DDL = "id BIGINT, features ARRAY<FLOAT>, expected FLOAT";

  @TempDir Path driverDisk;
  @TempDir Path executorDisks;
  @TempDir Path dir;

  @Test
  void aStreamOnFreshExecutorsRestartedByANewDriverScoresEveryRowExactlyOnce() throws Exception {
    List<String> lines =
        Files.readAllLines(Paths.get("src/test/resources/fixtures/tutorial_mlp.jsonl"));
    Path in = Files.createDirectories(dir.resolve("in"));
    Files.write(in.resolve("part-0.json"), lines.subList(0, 400));

    SparkSession first = cluster("first");
    try {
      stream(first, in);
    } finally {
      first.stop();
    }
    Files.write(in.resolve("part-1.json"), lines.subList(400, 700));
    Files.write(in.resolve("part-2.json"), lines.subList(700, 1000));
    SparkSession second = cluster("second");
    try {
      stream(second, in);

      Dataset<Row> out = second.read().parquet(dir.resolve("out").toString());
      assertThat(out.count()).isEqualTo(1000);
      assertThat(out.select("id").distinct().count()).isEqualTo(1000);
      for (Row row : out.collectAsList()) {
        assertThat(row.<Float>getAs("prediction"))
            .isCloseTo(row.<Float>getAs("expected"), within(1e-5f));
      }
    } finally {
      second.stop();
    }
    // Each cluster's executors copied the model from the driver into their own, empty cache.
    for (String cluster : List.of("first", "second")) {
      Path executorCopy =
          executorDisks
              .resolve(cluster)
              .resolve("torchscore-cache-" + System.getProperty("user.name"))
              .resolve(sha256(FIXTURE) + ".pt");
      assertThat(executorCopy).hasSameBinaryContentAs(FIXTURE);
    }
  }

  /** A driver and an executor JVM whose temp folder is a new one of its own. */
  private SparkSession cluster(String name) throws Exception {
    Path executorTmp = Files.createDirectories(executorDisks.resolve(name));
    return LocalCluster.start(
        1,
        1,
        "torchscore-driver-local-stream-" + name,
        Map.of(
            "spark.executor.extraJavaOptions", "-Djava.io.tmpdir=" + executorTmp,
            "spark.executorEnv.TMPDIR", executorTmp.toString(),
            // A task that cannot get the model fails the query at once, not after 4 attempts.
            "spark.task.maxFailures", "1"));
  }

  /** Scores the folder's new files into the output with a checkpoint, the model's file then gone. */
  private void stream(SparkSession spark, Path in) throws Exception {
    Path model = Files.copy(FIXTURE, driverDisk.resolve("model.pt"), StandardCopyOption.REPLACE_EXISTING);
    Dataset<Row> stream = spark.readStream().schema(StructType.fromDDL(DDL)).json(in.toString());
    Dataset<Row> scored =
        TorchScorer.builder()
            .modelPath(model.toString())
            .featuresCol("features")
            .option("input.shape", "10")
            .build()
            .transform(stream);
    // Only the driver's cache copy is left: the executors can get the model from the driver alone.
    Files.delete(model);
    // The checkpoint through the session, not DataStreamWriter.option: that method's return type
    // differs between Spark 3.5 and 4.0 in bytecode, and these tests run on both. The query's
    // checkpoint is the folder named after it in there.
    spark.conf().set("spark.sql.streaming.checkpointLocation", dir.resolve("checkpoints").toString());
    StreamingQuery query =
        scored
            .writeStream()
            .format("parquet")
            .queryName("scores")
            .trigger(Trigger.AvailableNow())
            .start(dir.resolve("out").toString());
    // Throws the query's failure, if any.
    query.awaitTermination();
  }

  private static String sha256(Path file) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }
}
