package io.torchscore.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.torchscore.SparkTestBase;
import io.torchscore.config.ScoreSettings.OnError;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Bad rows never kill a job silently or cost good rows: each policy is explicit, counted and
 * reported. The good rows' predictions are checked against PyTorch's.
 */
class ErrorPolicyTest extends SparkTestBase {

  private static final StructType SCHEMA =
      StructType.fromDDL("id BIGINT, features ARRAY<FLOAT>, expected FLOAT");

  /**
   * The tutorial fixture's first 40 rows, with bad rows in place of rows 3, 7, 11, 15 and 19, in
   * one partition (on COLUMNAR, one Parquet file).
   */
  private static Dataset<Row> withBadRows() {
    List<Row> rows = new ArrayList<>(fixtureTable("tutorial_mlp.jsonl", SCHEMA.toDDL()).limit(40).collectAsList());
    rows.set(3, RowFactory.create(3L, null, 0f));
    rows.set(7, RowFactory.create(7L, Arrays.asList(1f, 2f, null, 4f, 5f, 6f, 7f, 8f, 9f, 10f), 0f));
    rows.set(11, RowFactory.create(11L, Arrays.asList(1f, 2f, 3f), 0f));
    rows.set(15, RowFactory.create(15L, Arrays.asList(1f, Float.NaN, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f), 0f));
    rows.set(19, RowFactory.create(19L, Arrays.asList(1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, Float.POSITIVE_INFINITY), 0f));
    return asInput(spark.createDataFrame(rows, SCHEMA).coalesce(1));
  }

  private static final Map<Long, String> BAD =
      Map.of(
          3L, "null_features: column 'features' is null",
          7L, "null_element: column 'features' has a null at index 2",
          11L, "wrong_shape: column 'features' has 3 values; the model input takes 10",
          15L, "nan: column 'features' has NaN at index 1",
          19L, "nan: column 'features' has Infinity at index 9");

  private static ScoreResult score(OnError policy) {
    return TorchScorer.builder()
        .modelPath(fixture("tutorial_mlp.pt").toString())
        .featuresCol("features")
        .inputShapes(List.of(List.of(10L)))
        .batchSize(8)
        .onError(policy)
        .rejectNaN(true)
        .keyColumn("id")
        .build()
        .score(withBadRows());
  }

  private static void assertGoodRowsMatchPyTorch(List<Row> rows) {
    for (Row row : rows) {
      if (!BAD.containsKey(row.<Long>getAs("id"))) {
        assertThat(row.<Float>getAs("prediction"))
            .as("row %s", row.<Long>getAs("id"))
            .isCloseTo(row.<Float>getAs("expected"), within(1e-5f));
      }
    }
  }

  @Test
  void failStopsAtTheFirstBadRowNamingColumnReasonPositionAndKey() {
    ScoreResult result = score(OnError.FAIL);

    assertThatThrownBy(() -> result.scored().collectAsList())
        .hasMessageContaining(
            "Cannot score row 3 of partition 0 (id=3): null_features: column 'features' is null;"
                + " fix the input or set spark.torchscore.on.error=skip or null");
  }

  @Test
  void nullKeepsEveryRowAndSaysWhyBadRowsHaveNoPrediction() {
    ScoreResult result = score(OnError.NULL);
    assertPath(result.scored());
    List<Row> rows = result.scored().collectAsList();

    assertThat(rows).hasSize(40);
    for (Row row : rows) {
      String why = BAD.get(row.<Long>getAs("id"));
      assertThat(row.<String>getAs("_error")).isEqualTo(why);
      assertThat(row.isNullAt(row.fieldIndex("prediction"))).isEqualTo(why != null);
    }
    assertGoodRowsMatchPyTorch(rows);
    assertThat(result.metrics().rows()).isEqualTo(35);
    assertThat(result.metrics().nulled()).isEqualTo(5);
    assertThat(result.metrics().skipped()).isZero();
    assertThat(result.metrics().badRowsByReason())
        .containsEntry("null_features", 1L)
        .containsEntry("null_element", 1L)
        .containsEntry("wrong_shape", 1L)
        .containsEntry("nan", 2L)
        .containsEntry("model_error", 0L);
  }

  @Test
  void skipDropsBadRowsAndKeepsThemAsRejectsWithTheirReason() {
    ScoreResult result = score(OnError.SKIP).persist();
    List<Row> scored = result.scored().collectAsList();
    List<Row> rejects = result.rejects().collectAsList();

    assertThat(scored).hasSize(35);
    assertThat(result.scored().columns()).doesNotContain("_error");
    assertGoodRowsMatchPyTorch(scored);
    Map<Long, String> rejected = new HashMap<>();
    for (Row row : rejects) {
      rejected.put(row.<Long>getAs("id"), row.getAs("_error"));
    }
    assertThat(rejected).isEqualTo(BAD);
    assertThat(result.rejects().columns()).containsExactly("id", "features", "expected", "_error");
    assertThat(result.metrics().skipped()).isEqualTo(5);
    assertThat(result.metrics().rows()).isEqualTo(35);
    result.unpersist();
  }

  @Test
  void nanIsAllowedByDefault() {
    List<Row> rows =
        TorchScorer.builder()
            .modelPath(fixture("tutorial_mlp.pt").toString())
            .featuresCol("features")
            .inputShapes(List.of(List.of(10L)))
            .onError(OnError.NULL)
            .build()
            .transform(withBadRows())
            .collectAsList();

    Row nan = rows.stream().filter(r -> r.<Long>getAs("id") == 15L).findFirst().orElseThrow();
    assertThat(nan.isNullAt(nan.fieldIndex("_error"))).isTrue();
    assertThat(nan.<Float>getAs("prediction")).isNaN();
  }

  @Test
  void rowsTheModelRejectsAreIsolatedBySplittingTheBatch() {
    // Embedding ids must be < 50: ids 77 and 99 make the model itself fail, on their batch.
    List<Row> rows = new ArrayList<>(fixtureTable("id_embedding.jsonl", "id BIGINT, ids ARRAY<BIGINT>, expected ARRAY<DOUBLE>").collectAsList());
    rows.set(5, RowFactory.create(5L, Arrays.asList(1L, 77L, 3L, 4L), rows.get(5).get(2)));
    rows.set(9, RowFactory.create(9L, Arrays.asList(99L, 2L, 3L, 4L), rows.get(9).get(2)));
    Dataset<Row> input = asInput(spark.createDataFrame(rows, StructType.fromDDL("id BIGINT, ids ARRAY<BIGINT>, expected ARRAY<DOUBLE>")).coalesce(1));

    ScoreResult result =
        TorchScorer.builder()
            .modelPath(fixture("id_embedding.pt").toString())
            .featuresCol("ids")
            .batchSize(16)
            .onError(OnError.NULL)
            .build()
            .score(input);
    List<Row> scored = result.scored().collectAsList();

    assertThat(scored).hasSize(100);
    for (Row row : scored) {
      long id = row.<Long>getAs("id");
      if (id == 5L || id == 9L) {
        assertThat(row.<String>getAs("_error")).startsWith("model_error: the model failed on this row: ").contains("index out of range");
        assertThat(row.isNullAt(row.fieldIndex("prediction"))).isTrue();
      } else {
        List<Float> actual = row.getList(row.fieldIndex("prediction"));
        List<Double> expected = row.getList(row.fieldIndex("expected"));
        for (int i = 0; i < 2; i++) {
          assertThat(actual.get(i)).isCloseTo(expected.get(i).floatValue(), within(1e-5f));
        }
      }
    }
    assertThat(result.metrics().badRowsByReason()).containsEntry("model_error", 2L);
    assertThat(result.metrics().rows()).isEqualTo(98);
  }

  @Test
  void aModelFailureUnderFailNamesTheRowsAndTheModelsError() {
    List<Row> rows = List.of(RowFactory.create(1L, Arrays.asList(1L, 2L, 3L, 400L)));
    Dataset<Row> input = asInput(spark.createDataFrame(rows, StructType.fromDDL("id BIGINT, ids ARRAY<BIGINT>")));

    Dataset<Row> scored =
        TorchScorer.builder().modelPath(fixture("id_embedding.pt").toString()).featuresCol("ids").build().transform(input);

    assertThatThrownBy(scored::collectAsList)
        .hasMessageContaining("Cannot score rows 0 to 0 of partition 0: the model failed:")
        .hasMessageContaining("index out of range");
  }
}
