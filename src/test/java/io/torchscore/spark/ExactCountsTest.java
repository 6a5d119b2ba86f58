package io.torchscore.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.torchscore.SparkTestBase;
import io.torchscore.config.ScoreSettings.OnError;
import io.torchscore.job.Throughput;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The counters count each partition once, whatever Spark runs again: on {@code local[2,4]} a task
 * may be tried 4 times.
 */
class ExactCountsTest extends SparkTestBase {

  private static final int ROWS = 1000;
  private static final int PARTITIONS = 4;
  private static final int BATCH = 64;
  private static final Set<Long> NULL_FEATURES = Set.of(2L, 500L, 999L);

  /** Replaces the base class's session by one where a task may be tried 4 times. */
  @BeforeAll
  static void allowFourAttempts() {
    spark.stop();
    spark =
        SparkSession.builder()
            .master("local[2,4]")
            .appName("torchscore-exact-counts")
            .config("spark.ui.enabled", "false")
            .getOrCreate();
  }

  /** The tutorial fixture's 1000 rows, 3 of them without features, in 4 partitions. */
  private static Dataset<Row> input() {
    Dataset<Row> table =
        fixtureTable("tutorial_mlp.jsonl", "id BIGINT, features ARRAY<FLOAT>, expected FLOAT")
            .selectExpr(
                "id",
                "IF(id IN (" + String.join(",", NULL_FEATURES.stream().map(String::valueOf).toList())
                    + "), NULL, features) AS features",
                "expected");
    return cachedOnRows(partitioned(table, PARTITIONS));
  }

  private static ScoreResult score(Dataset<Row> input) {
    return TorchScorer.builder()
        .modelPath(fixture("tutorial_mlp.pt").toString())
        .featuresCol("features")
        .inputShapes(List.of(List.of(10L)))
        .batchSize(BATCH)
        .onError(OnError.NULL)
        .build()
        .score(input);
  }

  /** Forward calls a clean run makes: one per started batch of each partition's good rows. */
  private static long expectedBatches(Dataset<Row> input) {
    return input
        .mapPartitions(
            (MapPartitionsFunction<Row, Long>)
                rows -> {
                  long count = 0;
                  while (rows.hasNext()) {
                    rows.next();
                    count++;
                  }
                  return List.of(count).iterator();
                },
            Encoders.LONG())
        .collectAsList()
        .stream()
        .mapToLong(size -> (size + BATCH - 1) / BATCH)
        .sum();
  }

  private static void assertExact(ScoreMetrics metrics, long batches) {
    assertThat(metrics.rows()).isEqualTo(ROWS - NULL_FEATURES.size());
    assertThat(metrics.nulled()).isEqualTo(NULL_FEATURES.size());
    assertThat(metrics.skipped()).isZero();
    assertThat(metrics.badRowsByReason().get("null_features")).isEqualTo(NULL_FEATURES.size());
    assertThat(metrics.batches()).isEqualTo(batches);
    // Local mode: the driver's check loaded the model, and the executor (the same JVM) reuses it.
    assertThat(metrics.modelLoads()).isLessThanOrEqualTo(1);
    // The timings come from the same attempts: one per batch, the rows over time summing to the rows.
    for (BatchTimes.Stage stage : BatchTimes.Stage.values()) {
      assertThat(metrics.batchTimes().of(stage).count()).as(stage.label()).isEqualTo(batches);
    }
    assertThat(java.util.Arrays.stream(Throughput.of(metrics.partitions(), 30).rows()).sum()).isEqualTo(ROWS - NULL_FEATURES.size());
    assertThat(metrics.modelLoadTimes()).hasSize((int) metrics.modelLoads());
  }

  /** Counts a partition's rows, then fails the first attempt of partition 0: its scoring is done. */
  static final class FailFirstAttemptAfterScoring implements MapPartitionsFunction<Row, Long> {
    @Override
    public Iterator<Long> call(Iterator<Row> rows) {
      long count = 0;
      while (rows.hasNext()) {
        rows.next();
        count++;
      }
      TaskContext task = TaskContext.get();
      if (task.partitionId() == 0 && task.attemptNumber() == 0) {
        throw new IllegalStateException("injected failure of the first attempt of partition 0");
      }
      return List.of(count).iterator();
    }
  }

  @Test
  void aFailedAttemptThatScoredItsRowsIsNotCounted() {
    Dataset<Row> input = input();
    long batches = expectedBatches(input);
    ScoreResult result = score(input);

    List<Long> sizes =
        result.scored().mapPartitions(new FailFirstAttemptAfterScoring(), Encoders.LONG()).collectAsList();

    assertThat(sizes.stream().mapToLong(Long::longValue).sum()).isEqualTo(ROWS);
    assertExact(result.metrics(), batches);
  }

  @Test
  void partitionsComputedAgainByASecondActionAreNotCountedTwice() {
    Dataset<Row> input = input();
    long batches = expectedBatches(input);
    ScoreResult result = score(input);

    assertPath(result.scored());
    assertThat(result.scored().count()).isEqualTo(ROWS);
    assertThat(result.scored().count()).isEqualTo(ROWS);

    assertExact(result.metrics(), batches);
  }

  @Test
  void aPartialPassThenAFullOneCountsTheFullOne() {
    Dataset<Row> input = input();
    long batches = expectedBatches(input);
    ScoreResult result = score(input);

    assertThat(result.scored().limit(5).collectAsList()).hasSize(5);
    assertThat(result.scored().count()).isEqualTo(ROWS);

    assertExact(result.metrics(), batches);
  }
}
