package io.torchscore.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.torchscore.LocalCluster;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On separate executor JVMs ({@code local-cluster}), each executor that scores reports its model
 * load with its id and writes its own profiler trace to the folder named by
 * {@code spark.torchscore.profile.dir}.
 */
class ExecutorProfileTest {

  private static final int EXECUTORS = 2;
  private static final int BATCH = 16;

  @TempDir Path traces;

  @Test
  void eachExecutorReportsItsModelLoadAndWritesItsTrace() throws Exception {
    SparkSession spark = LocalCluster.start(EXECUTORS, 1, "torchscore-executor-profile", Map.of());
    try {
      Set<String> executorsWithTasks = LocalCluster.executorsWithTasks(spark);
      Dataset<Row> input =
          spark
              .read()
              .schema(StructType.fromDDL("id BIGINT, features ARRAY<FLOAT>, expected FLOAT"))
              .json(Paths.get("src/test/resources/fixtures/tutorial_mlp.jsonl").toAbsolutePath().toString())
              .repartition(8);

      ScoreResult result =
          TorchScorer.builder()
              .modelPath(Paths.get("src/test/resources/fixtures/tutorial_mlp.pt").toAbsolutePath().toString())
              .featuresCol("features")
              .batchSize(BATCH)
              .profile(true)
              .profileBatches(2)
              .profileDir(traces.toString())
              .build()
              .score(input);
      assertThat(result.scored().count()).isEqualTo(1000);
      ScoreMetrics metrics = result.metrics();

      Set<String> loadedOn = new HashSet<>();
      for (ModelLoad load : metrics.modelLoadTimes()) {
        assertThat(load.millis()).isPositive();
        loadedOn.add(load.executor());
      }
      // Each executor JVM loaded the model once (and the driver, unless an earlier test in its JVM did).
      assertThat(loadedOn).containsAll(executorsWithTasks);
      assertThat(metrics.modelLoadTimes()).hasSize((int) metrics.modelLoads());

      // No forward failed: every forward call is one timed batch.
      assertThat(metrics.batchTimes().total().count()).isEqualTo(metrics.batches());

      List<String> written = metrics.traces();
      assertThat(written).hasSize(executorsWithTasks.size());
      for (String executor : executorsWithTasks) {
        String trace =
            written.stream().filter(path -> path.endsWith("-executor-" + executor + ".json")).findFirst().orElseThrow();
        Path file = Paths.get(java.net.URI.create(trace));
        assertThat(file.getParent()).isEqualTo(traces.toRealPath());
        Set<String> names = new HashSet<>();
        for (JsonNode event : new ObjectMapper().readTree(file.toFile())) {
          names.add(event.get("name").asText());
        }
        assertThat(names).as(trace).contains("aten::linear", "aten::addmm");
      }
    } finally {
      spark.stop();
    }
  }
}
