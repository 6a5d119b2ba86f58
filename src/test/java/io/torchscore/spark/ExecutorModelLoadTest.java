package io.torchscore.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.torchscore.model.ModelCache;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * On a real cluster of separate executor JVMs ({@code local-cluster}), each executor loads the
 * model once however many partitions it scores.
 */
class ExecutorModelLoadTest {

  private static final int EXECUTORS = 2;

  @Test
  void loadsTheModelOncePerExecutorJvmNotPerPartition() throws Exception {
    prepareSparkHome();
    SparkSession spark =
        SparkSession.builder()
            .master("local-cluster[" + EXECUTORS + ",1,1024]")
            .appName("torchscore-executor-loads")
            .config("spark.ui.enabled", "false")
            .config("spark.executor.extraClassPath", System.getProperty("java.class.path"))
            .config("spark.executor.extraJavaOptions", System.getProperty("torchscore.test.javaOpens"))
            .getOrCreate();
    try {
      awaitExecutors(spark);
      Set<String> executorsWithTasks = ConcurrentHashMap.newKeySet();
      spark
          .sparkContext()
          .addSparkListener(
              new SparkListener() {
                @Override
                public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
                  executorsWithTasks.add(taskEnd.taskInfo().executorId());
                }
              });
      Dataset<Row> input =
          spark
              .read()
              .schema(StructType.fromDDL("id BIGINT, features ARRAY<FLOAT>, expected FLOAT"))
              .json(Paths.get("src/test/resources/fixtures/tutorial_mlp.jsonl").toAbsolutePath().toString())
              .repartition(12);

      long driverLoadsBefore = ModelCache.loadCount();
      ScoreResult result =
          TorchScorer.builder()
              .modelPath(Paths.get("src/test/resources/fixtures/tutorial_mlp.pt").toAbsolutePath().toString())
              .featuresCol("features")
              .batchSize(16)
              .build()
              .score(input);
      long driverLoads = ModelCache.loadCount() - driverLoadsBefore;
      long rows = result.scored().collectAsList().size();

      assertThat(rows).isEqualTo(1000);
      assertThat(executorsWithTasks).isNotEmpty().doesNotContain("driver");
      // The driver loads it to check it (unless an earlier test in this JVM did), then each
      // executor JVM loads it once for its share of the 12 partitions.
      assertThat(driverLoads).isBetween(0L, 1L);
      assertThat(result.metrics().modelLoads()).isEqualTo(driverLoads + executorsWithTasks.size());
    } finally {
      spark.stop();
    }
  }

  private static void awaitExecutors(SparkSession spark) throws InterruptedException {
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (spark.sparkContext().statusTracker().getExecutorInfos().length < EXECUTORS + 1
        && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertThat(spark.sparkContext().statusTracker().getExecutorInfos()).hasSize(EXECUTORS + 1);
  }

  /** A Spark "distribution" for local-cluster: a RELEASE file and a jars folder; the executors
   * take their classpath from spark.executor.extraClassPath. */
  private static void prepareSparkHome() throws IOException {
    Path home = Paths.get(System.getenv("SPARK_HOME"));
    Files.createDirectories(home.resolve("jars"));
    if (!Files.exists(home.resolve("RELEASE"))) {
      Files.createFile(home.resolve("RELEASE"));
    }
  }
}
