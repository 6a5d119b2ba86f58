package io.torchscore.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.torchscore.SparkTestBase;
import io.torchscore.TorchScoreException;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;

/**
 * Half precision, as the tutorial's AMP: a float16 export scores float inputs, and a float32
 * model scored with {@code precision=fp16} matches PyTorch's float32 outputs within fp16's
 * tolerance. The goldens are PyTorch's float32 outputs ({@code make_fixtures.py}).
 */
class PrecisionTest extends SparkTestBase {

  // float16 keeps 11 significant bits: relative error about 5e-4 per operation; these two-layer
  // MLPs stay well within 1e-2 absolute plus 1e-2 relative.
  private static final double ABSOLUTE = 1e-2;
  private static final double RELATIVE = 1e-2;

  @Test
  void aFloat16ExportScoresFloatInputsAndReturnsFloats() {
    List<Row> rows = score("fp16_mlp.pt", "fp16_mlp.jsonl", "auto");

    assertThat(rows).hasSize(200);
    assertWithinHalfPrecision(rows);
  }

  @Test
  void precisionFp16CastsAFloat32ModelOnceAtLoad() {
    List<Row> half = score("vector_mlp.pt", "vector_mlp.jsonl", "fp16");
    List<Row> full = score("vector_mlp.pt", "vector_mlp.jsonl", "fp32");

    assertThat(half).hasSize(300);
    assertWithinHalfPrecision(half);
    // The cast happened: half precision rounds differently from the float32 run on some rows.
    long differing = 0;
    for (int i = 0; i < half.size(); i++) {
      if (!half.get(i).getList(half.get(i).fieldIndex("prediction"))
          .equals(full.get(i).getList(full.get(i).fieldIndex("prediction")))) {
        differing++;
      }
    }
    assertThat(differing).isGreaterThan(0);
  }

  @Test
  void aBfloat16ExportIsRefusedOnTheDriverInOneLine() {
    Dataset<Row> input = fixtureTable("tutorial_mlp.jsonl", "id BIGINT, features ARRAY<FLOAT>, expected FLOAT");

    assertThatThrownBy(
            () -> TorchScorer.builder().modelPath(fixture("bf16_mlp.pt").toString()).featuresCol("features").build().score(input))
        .isInstanceOf(TorchScoreException.class)
        .hasMessageContaining("its parameters are bfloat16")
        .hasMessageContaining("model.half()")
        .hasMessageNotContaining("\n");
  }

  @Test
  void fp32IsRefusedForAFloat16Export() {
    Dataset<Row> input = fixtureTable("fp16_mlp.jsonl", "id BIGINT, features ARRAY<FLOAT>, expected ARRAY<FLOAT>");

    assertThatThrownBy(
            () -> TorchScorer.builder().modelPath(fixture("fp16_mlp.pt").toString()).featuresCol("features")
                .precision("fp32").build().score(input))
        .isInstanceOf(TorchScoreException.class)
        .hasMessageContaining("spark.torchscore.precision=fp32: it was exported in float16");
  }

  private static List<Row> score(String model, String table, String precision) {
    Dataset<Row> input = fixtureTable(table, "id BIGINT, features ARRAY<FLOAT>, expected ARRAY<FLOAT>");
    Dataset<Row> scored =
        TorchScorer.builder()
            .modelPath(fixture(model).toString())
            .featuresCol("features")
            .precision(precision)
            .batchSize(64)
            .build()
            .transform(input);
    assertThat(scored.schema().apply("prediction").dataType())
        .isEqualTo(DataTypes.createArrayType(DataTypes.FloatType, false));
    return byId(scored);
  }

  private static void assertWithinHalfPrecision(List<Row> rows) {
    for (Row row : rows) {
      List<Float> actual = row.getList(row.fieldIndex("prediction"));
      List<Float> expected = row.getList(row.fieldIndex("expected"));
      assertThat(actual).hasSameSizeAs(expected);
      for (int i = 0; i < expected.size(); i++) {
        double bound = ABSOLUTE + RELATIVE * Math.abs(expected.get(i));
        assertThat((double) actual.get(i))
            .as("row %s output %s", row.<Long>getAs("id"), i)
            .isBetween(expected.get(i) - bound, expected.get(i) + bound);
      }
    }
  }
}
