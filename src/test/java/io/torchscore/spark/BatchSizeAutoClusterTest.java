package io.torchscore.spark;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.rand;
import static org.assertj.core.api.Assertions.assertThat;

import io.torchscore.LocalCluster;
import io.torchscore.config.BatchSize;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * With {@code batch.size=auto} on a real cluster of separate executor JVMs, each executor times
 * its batches once and its tasks share the choice: one choice per executor, and a later job over
 * the same executors reuses it in every task without timing again. (How many of the first jobs'
 * tasks end after their executor's choice depends on the scheduling, so it is not asserted.)
 */
class BatchSizeAutoClusterTest {

  private static final int EXECUTORS = 2;
  private static final long ROWS = 3_600_000;

  @Test
  void eachExecutorChoosesOnceAndItsTasksShareTheChoice() throws Exception {
    SparkSession spark = LocalCluster.start(EXECUTORS, 1, "torchscore-batch-size-auto", Map.of());
    try {
      Set<String> executorsWithTasks = LocalCluster.executorsWithTasks(spark);
      List<Column> features = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        features.add(rand(i).cast("float"));
      }
      // Enough rows for each executor's timing (up to 65,536 rows a batch, each size's warm-up and
      // timed batches) to end within the first two jobs: a fresh executor JVM's first batches are
      // slow, and its timing may start again after them, so it may need more than its share of
      // the first job.
      Dataset<Row> input =
          spark.range(0, ROWS, 1, 12).select(col("id"), array(features.toArray(new Column[0])).as("features"));
      TorchScorer scorer =
          TorchScorer.builder()
              .modelPath(Paths.get("src/test/resources/fixtures/tutorial_mlp.pt").toAbsolutePath().toString())
              .featuresCol("features")
              .batchSize(BatchSize.AUTO)
              .build();

      ScoreResult first = scorer.score(input);
      assertThat(first.scored().count()).isEqualTo(ROWS);
      ScoreResult second = scorer.score(input);
      assertThat(second.scored().count()).isEqualTo(ROWS);
      ScoreResult third = scorer.score(input);
      assertThat(third.scored().count()).isEqualTo(ROWS);

      // One choice per executor: one chosen in the first job is reported again, as it was, by the
      // second job's tasks.
      List<BatchSizeChoices.Choice> choices = second.batchSizeChoices();
      assertThat(choices).extracting(BatchSizeChoices.Choice::executor).containsExactlyInAnyOrderElementsOf(executorsWithTasks);
      assertThat(choices).containsAll(first.batchSizeChoices());
      for (BatchSizeChoices.Choice choice : choices) {
        assertThat(choice.device()).isEqualTo("cpu");
        // A size the chooser can reach: 16 doubled, or a bound; at most 65,536 rows.
        assertThat(choice.batchSize()).isBetween(16, BatchSizing.AUTO_MAX_ROWS);
        assertThat(choice.probeMillis()).isPositive();
      }
      // The third job's tasks found the choices kept with the loaded models: every one of its 12
      // tasks reported its executor's choice, the same one with the same timing, not timed again.
      assertThat(third.batchSizeChoices()).containsExactlyInAnyOrderElementsOf(choices);
      assertThat(accumulator(third).tasks().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(12);
    } finally {
      spark.stop();
    }
  }

  private static BatchSizeChoices accumulator(ScoreResult result) {
    return result.batchSizeAccumulator();
  }
}
