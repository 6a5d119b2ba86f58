package io.torchscore.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model on the driver's own disk reaches executors that cannot read it, from the driver: on a
 * real cluster of executor JVMs ({@code local-cluster}) whose temp folder (and so model cache) is
 * their own, with the model's file gone from the driver's disk before any task runs.
 */
class DriverLocalModelTest {

  private static final Path FIXTURE =
      Paths.get("src/test/resources/fixtures/tutorial_mlp.pt").toAbsolutePath();

  @TempDir Path driverDisk;
  @TempDir Path executorTmp;

  @Test
  void executorsLoadAModelOnTheDriversDiskFromTheDriver() throws Exception {
    prepareSparkHome();
    Path model = Files.copy(FIXTURE, driverDisk.resolve("model.pt"));
    SparkSession spark =
        SparkSession.builder()
            .master("local-cluster[1,1,1024]")
            .appName("torchscore-driver-local-model")
            .config("spark.ui.enabled", "false")
            .config("spark.executor.extraClassPath", System.getProperty("java.class.path"))
            .config(
                "spark.executor.extraJavaOptions",
                System.getProperty("torchscore.test.javaOpens")
                    + " -Djava.io.tmpdir="
                    + executorTmp)
            .config("spark.executorEnv.TMPDIR", executorTmp.toString())
            .getOrCreate();
    try {
      Dataset<Row> input =
          spark
              .read()
              .schema(StructType.fromDDL("id BIGINT, features ARRAY<FLOAT>, expected FLOAT"))
              .json(
                  Paths.get("src/test/resources/fixtures/tutorial_mlp.jsonl")
                      .toAbsolutePath()
                      .toString())
              .repartition(3);
      Dataset<Row> scored =
          TorchScorer.builder()
              .modelPath(model.toString())
              .featuresCol("features")
              .build()
              .transform(input);
      // The executors have not read the model yet: after this, only the driver's shipped copy
      // exists.
      Files.delete(model);

      List<Row> rows = scored.collectAsList();

      assertThat(rows).hasSize(1000);
      for (Row row : rows) {
        assertThat(row.<Float>getAs("prediction"))
            .isCloseTo(row.<Float>getAs("expected"), within(1e-5f));
      }
      Path executorCopy =
          executorTmp
              .resolve("torchscore-cache-" + System.getProperty("user.name"))
              .resolve(sha256(FIXTURE) + ".pt");
      assertThat(Files.readAllBytes(executorCopy)).isEqualTo(Files.readAllBytes(FIXTURE));
      String appId = spark.sparkContext().applicationId();
      spark.stop();
      assertThat(executorLog(appId)).contains("from the driver (spark://");
    } finally {
      spark.stop();
    }
  }

  /** The stderr of the application's executors, as their workers wrote it. */
  private static String executorLog(String appId) throws IOException {
    Path appWork = Paths.get(System.getenv("SPARK_HOME"), "work", appId);
    StringBuilder log = new StringBuilder();
    try (Stream<Path> files = Files.walk(appWork)) {
      for (Path stderr : files.filter(f -> f.getFileName().toString().equals("stderr")).toList()) {
        log.append(Files.readString(stderr));
      }
    }
    return log.toString();
  }

  private static String sha256(Path file) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  /**
   * A Spark "distribution" for local-cluster: a RELEASE file and a jars folder; the executors take
   * their classpath from spark.executor.extraClassPath.
   */
  private static void prepareSparkHome() throws IOException {
    Path home = Paths.get(System.getenv("SPARK_HOME"));
    Files.createDirectories(home.resolve("jars"));
    if (!Files.exists(home.resolve("RELEASE"))) {
      Files.createFile(home.resolve("RELEASE"));
    }
  }
}
