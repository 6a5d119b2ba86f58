package io.torchscore.spark;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.rand;
import static org.assertj.core.api.Assertions.assertThat;

import io.torchscore.SparkTestBase;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * On the columnar path a scoring batch never spans two of the scan's batches. When the user sized
 * the Parquet reader's batches below the sizes auto would try, those batches bound the choice:
 * auto chooses at most their size, instead of timing larger sizes that every batch falls short of
 * (which never chose).
 */
class BatchSizeAutoColumnarTest extends SparkTestBase {

  private static final String READER_BATCH = "spark.sql.parquet.columnarReaderBatchSize";
  private static final int SCAN_ROWS = 256;

  @BeforeAll
  static void selectColumnarInputs() throws Exception {
    selectInputPath(InputPath.COLUMNAR);
    spark.conf().set(READER_BATCH, Integer.toString(SCAN_ROWS));
  }

  @AfterAll
  static void unsetReaderBatch() {
    spark.conf().unset(READER_BATCH);
  }

  @Test
  void theScansBatchesBoundTheChosenSize() {
    List<Column> features = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      features.add(rand(i).cast("float"));
    }
    long rows = 1_000_000;
    Dataset<Row> input = asInput(spark.range(0, rows, 1, 1).select(col("id"), array(features.toArray(new Column[0])).as("features")));
    TorchScorer scorer =
        TorchScorer.builder()
            .modelPath(fixture("tutorial_mlp.pt").toString())
            .featuresCol("features")
            .option("batch.size", "auto")
            // A byte bound of its own, so that this test's choice is not one kept from another test.
            .option("batch.max.bytes", "2000000")
            .build();

    ScoreResult result = scorer.score(input);
    assertPath(result.scored());
    assertThat(result.scored().count()).isEqualTo(rows);

    assertThat(result.batchSizeChoices()).hasSize(1);
    BatchSizeChoices.Choice choice = result.batchSizeChoices().get(0);
    assertThat(choice.batchSize()).isBetween(16, SCAN_ROWS);
    assertThat(choice.probeMillis()).isPositive();
  }
}
