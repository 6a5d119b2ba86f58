package io.torchscore.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.torchscore.SparkTestBase;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;

/** Predictions from Spark equal PyTorch's own outputs, stored by the fixture script. */
class GoldenOutputTest extends SparkTestBase {

  private static final float TOLERANCE = 1e-5f;

  @Test
  void tutorialMlpScalarOutputMatchesPyTorch() {
    Dataset<Row> input =
        partitioned(fixtureTable("tutorial_mlp.jsonl", "id BIGINT, features ARRAY<FLOAT>, expected FLOAT"), 3);
    Dataset<Row> scored =
        TorchScorer.builder()
            .modelPath(fixture("tutorial_mlp.pt").toString())
            .featuresCol("features")
            .batchSize(64)
            .build()
            .transform(input);

    assertPath(scored);
    assertThat(scored.schema().apply("prediction").dataType()).isEqualTo(DataTypes.FloatType);
    List<Row> rows = byId(scored);
    assertThat(rows).hasSize(1000);
    for (Row row : rows) {
      assertThat(row.<Float>getAs("prediction"))
          .as("row %s", row.<Long>getAs("id"))
          .isCloseTo(row.<Float>getAs("expected"), within(TOLERANCE));
    }
  }

  @Test
  void underBatchSizeAutoTheTutorialMlpStillMatchesPyTorch() {
    // The timed batches (16, 32, ... rows) and those after them score the same rows once each.
    Dataset<Row> input =
        partitioned(fixtureTable("tutorial_mlp.jsonl", "id BIGINT, features ARRAY<FLOAT>, expected FLOAT"), 3);
    Dataset<Row> scored =
        TorchScorer.builder()
            .modelPath(fixture("tutorial_mlp.pt").toString())
            .featuresCol("features")
            .option("batch.size", "auto")
            .build()
            .transform(input);

    List<Row> rows = byId(scored);
    assertThat(rows).hasSize(1000);
    assertThat(rows.stream().map(row -> row.<Long>getAs("id")).distinct().count()).isEqualTo(1000);
    for (Row row : rows) {
      assertThat(row.<Float>getAs("prediction"))
          .as("row %s", row.<Long>getAs("id"))
          .isCloseTo(row.<Float>getAs("expected"), within(TOLERANCE));
    }
  }

  @Test
  void vectorOutputBecomesFloatArrayMatchingPyTorch() {
    Dataset<Row> input =
        fixtureTable(
            "vector_mlp.jsonl", "id BIGINT, features ARRAY<DOUBLE>, expected ARRAY<FLOAT>");
    Dataset<Row> scored =
        TorchScorer.builder()
            .modelPath(fixture("vector_mlp.pt").toString())
            .featuresCol("features")
            .predictionCol("scores")
            .batchSize(7)
            .build()
            .transform(input);

    assertThat(scored.schema().apply("scores").dataType())
        .isEqualTo(DataTypes.createArrayType(DataTypes.FloatType, false));
    List<Row> rows = byId(scored);
    assertThat(rows).hasSize(300);
    for (Row row : rows) {
      List<Float> actual = row.getList(row.fieldIndex("scores"));
      List<Float> expected = row.getList(row.fieldIndex("expected"));
      assertThat(actual).hasSize(3);
      for (int i = 0; i < 3; i++) {
        assertThat(actual.get(i))
            .as("row %s output %s", row.<Long>getAs("id"), i)
            .isCloseTo(expected.get(i), within(TOLERANCE));
      }
    }
  }

  @Test
  void separateNumericColumnsOfMixedTypesAreAssembledInOrder() {
    Dataset<Row> input =
        fixtureTable(
            "columns_model.jsonl", "id BIGINT, a INT, b BIGINT, c FLOAT, d DOUBLE, expected FLOAT");
    Dataset<Row> scored =
        TorchScorer.builder()
            .modelPath(fixture("columns_model.pt").toString())
            .featuresCols("a", "b", "c", "d")
            .batchSize(50)
            .build()
            .transform(input);

    assertPath(scored);
    List<Row> rows = byId(scored);
    assertThat(rows).hasSize(200);
    for (Row row : rows) {
      assertThat(row.<Float>getAs("prediction"))
          .as("row %s", row.<Long>getAs("id"))
          .isCloseTo(row.<Float>getAs("expected"), within(TOLERANCE));
    }
  }
}
