package io.torchscore.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.torchscore.SparkTestBase;
import java.util.Collections;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** One forward per batch, batches within partitions, rows and columns kept in order. */
class BatchingTest extends SparkTestBase {

  private static final String MLP_SCHEMA = "id BIGINT, features ARRAY<FLOAT>, expected FLOAT";

  private static ScoreResult score(Dataset<Row> input, int batchSize) {
    return TorchScorer.builder()
        .modelPath(fixture("tutorial_mlp.pt").toString())
        .featuresCol("features")
        .batchSize(batchSize)
        .build()
        .score(input);
  }

  /** ceil(rows / batchSize) summed over the input's partitions, counted without the scorer. */
  private static long expectedForwards(Dataset<Row> input, int batchSize) {
    MapPartitionsFunction<Row, Long> forwards =
        rows -> {
          long count = 0;
          while (rows.hasNext()) {
            rows.next();
            count++;
          }
          return Collections.singletonList((count + batchSize - 1) / batchSize).iterator();
        };
    return input.mapPartitions(forwards, Encoders.LONG()).collectAsList().stream()
        .mapToLong(Long::longValue)
        .sum();
  }

  @ParameterizedTest(name = "{0} partitions, batch size {1}")
  @CsvSource({"1, 1000", "1, 1001", "3, 64", "4, 7", "7, 1", "16, 256"})
  void makesOneForwardPerBatchOfEachPartition(int partitions, int batchSize) {
    Dataset<Row> input = cachedOnRows(partitioned(fixtureTable("tutorial_mlp.jsonl", MLP_SCHEMA), partitions));
    long expected = expectedForwards(input, batchSize);

    ScoreResult result = score(input, batchSize);
    assertPath(result.scored());
    List<Row> rows = result.scored().collectAsList();

    assertThat(rows).hasSize(1000);
    assertThat(result.metrics().batches()).isEqualTo(expected);
    assertThat(result.metrics().rows()).isEqualTo(1000);
    input.unpersist();
  }

  @Test
  void raggedLastBatchesAndEmptyPartitionsScoreCorrectly() {
    // 20 rows over 32 partitions: most partitions are empty, the others hold a ragged batch (on
    // COLUMNAR, the empty ones make no Parquet file).
    Dataset<Row> input = cachedOnRows(partitioned(fixtureTable("tutorial_mlp.jsonl", MLP_SCHEMA).limit(20), 32));
    long expected = expectedForwards(input, 3);

    ScoreResult result = score(input, 3);
    // Collected once: a sort would run the scoring twice (sampling, then sorting).
    List<Row> rows = result.scored().collectAsList();

    assertThat(rows).hasSize(20);
    assertThat(result.metrics().batches()).isEqualTo(expected);
    for (Row row : rows) {
      assertThat(row.<Float>getAs("prediction"))
          .isCloseTo(row.<Float>getAs("expected"), within(1e-5f));
    }
    input.unpersist();
  }

  @Test
  void keepsEveryInputColumnAndTheRowOrder() {
    Dataset<Row> input = fixtureTable("tutorial_mlp.jsonl", MLP_SCHEMA);

    Dataset<Row> scored = score(input, 100).scored();
    assertPath(scored);

    assertThat(scored.columns()).containsExactly("id", "features", "expected", "prediction");
    assertThat(scored.drop("prediction").collectAsList()).isEqualTo(input.collectAsList());
  }

  @Test
  void emptyInputWithADeclaredShapeGivesEmptyOutputWithThePredictionColumn() {
    Dataset<Row> input = fixtureTable("tutorial_mlp.jsonl", MLP_SCHEMA).limit(0);

    ScoreResult result =
        TorchScorer.builder()
            .modelPath(fixture("tutorial_mlp.pt").toString())
            .featuresCol("features")
            .inputShapes(List.of(List.of(10L)))
            .build()
            .score(input);

    assertThat(result.scored().columns()).contains("prediction");
    assertThat(result.scored().collectAsList()).isEmpty();
    assertThat(result.metrics().batches()).isZero();
  }
}
