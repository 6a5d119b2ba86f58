package io.torchscore.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.torchscore.LocalCluster;
import io.torchscore.model.ModelCache;
import java.nio.file.Paths;
import java.util.Set;
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
    SparkSession spark = LocalCluster.start(EXECUTORS, 1, "torchscore-executor-loads", java.util.Map.of());
    try {
      Set<String> executorsWithTasks = LocalCluster.executorsWithTasks(spark);
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
}
