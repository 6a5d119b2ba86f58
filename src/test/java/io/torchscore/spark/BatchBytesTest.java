package io.torchscore.spark;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.repeat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.torchscore.SparkTestBase;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * A batch holds at most {@code batch.rows.max.bytes} of input rows, every column it holds counted
 * (with kept columns, only those): wide rows (a big text column beside the features) make batches
 * smaller than {@code batch.size}, and a row larger than the bound makes a batch of its own.
 * Predictions stay PyTorch's.
 */
class BatchBytesTest extends SparkTestBase {

  /** The MLP fixture's 1000 rows in one partition, each with a text column of {@code chars} bytes. */
  private static Dataset<Row> wideRows(int chars) {
    return asInput(
        fixtureTable("tutorial_mlp.jsonl", "id BIGINT, features ARRAY<FLOAT>, expected FLOAT")
            .withColumn("text", repeat(lit("x"), chars))
            .coalesce(1));
  }

  private static ScoreResult score(Dataset<Row> input, int maxBytes, String... keptColumns) {
    return TorchScorer.builder()
        .modelPath(fixture("tutorial_mlp.pt").toString())
        .featuresCol("features")
        .option("input.shape", "10")
        .batchSize(100)
        .batchRowsMaxBytes(maxBytes)
        .keepColumns(keptColumns)
        .build()
        .score(input);
  }

  private static void assertPyTorchsPredictions(List<Row> rows) {
    assertThat(rows).hasSize(1000);
    for (Row row : rows) {
      assertThat(row.<Float>getAs("prediction")).isCloseTo(row.<Float>getAs("expected"), within(1e-5f));
    }
  }

  @Test
  void wideRowsMakeBatchesSmallerThanTheBatchSize() {
    // A row holds 100,000 bytes of text plus a few hundred of the rest (under 11,111 in any
    // estimate): 9 rows fit in 1,000,000 bytes, 10 do not. 1000 rows = 111 batches of 9 and 1 of 1.
    ScoreResult result = score(wideRows(100_000), 1_000_000);

    assertPath(result.scored());
    assertPyTorchsPredictions(result.scored().collectAsList());
    assertThat(result.metrics().batches()).isEqualTo(112);
  }

  @Test
  void narrowRowsKeepTheBatchSize() {
    // 100 rows of 100 text bytes: about 30 KB, far below the bound: 1000 rows = 10 batches of 100.
    ScoreResult result = score(wideRows(100), 1_000_000);

    assertPyTorchsPredictions(result.scored().collectAsList());
    assertThat(result.metrics().batches()).isEqualTo(10);
  }

  @Test
  void withKeptColumnsABatchHoldsOnlyThemNotTheFeatures() {
    // Rows on either path (the coalesce comes between the scan and scoring): the counts below are
    // those of Spark's rows, held as they are; a columnar batch's rows are views of its vectors.
    Dataset<Row> rows = fixtureTable("tutorial_mlp.jsonl", "id BIGINT, features ARRAY<FLOAT>, expected FLOAT").coalesce(1);
    // Spark's row of (id, features, expected) is 88 bytes: 8 of null bits, 3 x 8 of fields, and
    // the array's 56 (8 of length, 8 of null bits, 40 of floats): 34 fit in 3,000 bytes, so 1000
    // rows make 30 batches. Keeping (id, expected), a batch holds only those, 24 bytes a row
    // (the features are read into the tensor, not held): batches of 100, 10 of them.
    // Under 1,000 bytes, 41 held rows fit (984 bytes) and the 42nd starts the next batch: 25.
    ScoreResult all = score(rows, 3_000);
    ScoreResult kept = score(rows, 3_000, "id", "expected");
    ScoreResult tight = score(rows, 1_000, "id", "expected");

    assertPyTorchsPredictions(all.scored().collectAsList());
    assertPyTorchsPredictions(kept.scored().collectAsList());
    assertPyTorchsPredictions(tight.scored().collectAsList());
    assertThat(kept.scored().columns()).containsExactly("id", "expected", "prediction");
    assertThat(all.metrics().batches()).isEqualTo(30);
    assertThat(kept.metrics().batches()).isEqualTo(10);
    assertThat(tight.metrics().batches()).isEqualTo(25);
  }

  @Test
  void aRowLargerThanTheBoundIsABatchOfItsOwn() {
    ScoreResult result = score(wideRows(100_000), 50_000);

    assertPyTorchsPredictions(result.scored().collectAsList());
    assertThat(result.metrics().batches()).isEqualTo(1000);
  }
}
