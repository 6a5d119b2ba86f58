package io.torchscore.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.torchscore.SparkTestBase;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * int8 TorchScript models, quantized by PyTorch 1.13 (oneDNN) and scored by libtorch 2.7, give
 * PyTorch's own outputs. The integer arithmetic is exact in both; only the final float rescale
 * can round differently, so the tolerance is float32 rounding (as in {@link GoldenOutputTest}),
 * far below int8's own error against float32 (up to 9e-3 on the MLP's goldens).
 */
class QuantizedModelTest extends SparkTestBase {

  private static final float TOLERANCE = 1e-5f;

  @Test
  void dynamicallyQuantizedMlpMatchesPyTorchRowByRow() {
    Dataset<Row> input =
        fixtureTable(
            "int8_dynamic_mlp.jsonl",
            "id BIGINT, features ARRAY<FLOAT>, expected ARRAY<FLOAT>, expected_fp32 ARRAY<FLOAT>");
    // Dynamic quantization scales a batch by its own range (scored as one batch of 100, outputs
    // move by up to 2e-2): the goldens are rows scored alone.
    Dataset<Row> scored =
        TorchScorer.builder()
            .modelPath(fixture("int8_dynamic_mlp.pt").toString())
            .featuresCol("features")
            .batchSize(1)
            .build()
            .transform(input);

    assertVectorsMatch(byId(scored), 100);
  }

  @Test
  void staticallyQuantizedConvNetMatchesPyTorch() {
    Dataset<Row> input =
        fixtureTable("int8_static_conv.jsonl", "id BIGINT, pixels ARRAY<FLOAT>, expected ARRAY<FLOAT>");
    Dataset<Row> scored =
        TorchScorer.builder()
            .modelPath(fixture("int8_static_conv.pt").toString())
            .featuresCol("pixels")
            .inputShapes(List.of(List.of(1L, 6L, 6L)))
            .batchSize(16)
            .build()
            .transform(input);

    assertVectorsMatch(byId(scored), 50);
  }

  private static void assertVectorsMatch(List<Row> rows, int count) {
    assertThat(rows).hasSize(count);
    for (Row row : rows) {
      List<Float> actual = row.getList(row.fieldIndex("prediction"));
      List<Float> expected = row.getList(row.fieldIndex("expected"));
      assertThat(actual).hasSameSizeAs(expected);
      for (int i = 0; i < expected.size(); i++) {
        assertThat(actual.get(i))
            .as("row %s output %s", row.<Long>getAs("id"), i)
            .isCloseTo(expected.get(i), within(TOLERANCE));
      }
    }
  }
}
