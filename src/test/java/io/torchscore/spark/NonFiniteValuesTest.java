package io.torchscore.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.torchscore.SparkTestBase;
import io.torchscore.config.ScoreSettings.OnError;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * NaN and infinite features (as a CSV spells them: {@code NaN}, {@code Inf}, {@code -Infinity},
 * {@code 1e999}) are scored by default and counted, with the NaN predictions they cause; with
 * {@code nan=reject} their rows are bad rows, and the values are still counted.
 *
 * <p>The model is {@code Linear(4, 1)}: a NaN feature makes its row's prediction NaN, a single
 * infinite feature (times a non-zero weight) an infinite one, not NaN.
 */
class NonFiniteValuesTest extends SparkTestBase {

  /**
   * The columns model's first 20 rows as text, with NaN and infinite values in rows 0 to 4 (on
   * COLUMNAR, the same text stored in Parquet).
   */
  private static Dataset<Row> input() throws Exception {
    ObjectMapper json = new ObjectMapper();
    List<Row> rows = new ArrayList<>();
    List<String> lines = Files.readAllLines(fixture("columns_model.jsonl")).subList(0, 20);
    for (int i = 0; i < lines.size(); i++) {
      JsonNode row = json.readTree(lines.get(i));
      String[] features = {row.get("a").asText(), row.get("b").asText(), row.get("c").asText(), row.get("d").asText()};
      switch (i) {
        case 0 -> features[0] = "NaN";
        case 1 -> features[1] = "Inf";
        case 2 -> features[2] = "-Infinity";
        case 3 -> features[3] = "1e999";
        case 4 -> {
          features[0] = "NaN";
          features[3] = "NaN";
        }
        default -> { }
      }
      rows.add(RowFactory.create((long) i, features[0], features[1], features[2], features[3], (float) row.get("expected").asDouble()));
    }
    return asInput(spark.createDataFrame(rows, StructType.fromDDL("id BIGINT, a STRING, b STRING, c STRING, d STRING, expected FLOAT")));
  }

  private static TorchScorer.Builder scorer() {
    return TorchScorer.builder().modelPath(fixture("columns_model.pt").toString()).featuresCols("a", "b", "c", "d");
  }

  @Test
  void nanAndInfiniteFeaturesAreScoredAndCounted() throws Exception {
    ScoreResult result = scorer().build().score(input());

    assertPath(result.scored());
    List<Row> rows = byId(result.scored());
    assertThat(rows).hasSize(20);
    assertThat(rows.get(0).<Float>getAs("prediction")).isNaN();
    assertThat(rows.get(4).<Float>getAs("prediction")).isNaN();
    for (int i = 1; i <= 3; i++) {
      assertThat(rows.get(i).<Float>getAs("prediction")).isInfinite();
    }
    for (Row row : rows.subList(5, 20)) {
      assertThat(row.<Float>getAs("prediction")).isCloseTo(row.<Float>getAs("expected"), within(1e-4f));
    }
    // Rows 0 and 4: 1 + 2 NaN; rows 1, 2 and 3: one infinite value each; NaN out of rows 0 and 4.
    assertThat(result.metrics().nanInputValues()).isEqualTo(3);
    assertThat(result.metrics().infiniteInputValues()).isEqualTo(3);
    assertThat(result.metrics().nanOutputValues()).isEqualTo(2);
    assertThat(result.metrics().rows()).isEqualTo(20);
  }

  @Test
  void withNanRejectTheirRowsAreBadRowsAndTheValuesAreStillCounted() throws Exception {
    ScoreResult result = scorer().rejectNaN(true).onError(OnError.NULL).build().score(input());

    List<Row> rows = byId(result.scored());
    assertThat(rows.get(0).<String>getAs("_error")).isEqualTo("nan: column 'a' is NaN");
    assertThat(rows.get(1).<String>getAs("_error")).isEqualTo("nan: column 'b' is Infinity");
    assertThat(rows.get(2).<String>getAs("_error")).isEqualTo("nan: column 'c' is -Infinity");
    assertThat(rows.get(3).<String>getAs("_error")).isEqualTo("nan: column 'd' is Infinity");
    assertThat(rows.get(4).<String>getAs("_error")).isEqualTo("nan: column 'a' is NaN");
    for (Row row : rows.subList(5, 20)) {
      assertThat(row.<Float>getAs("prediction")).isCloseTo(row.<Float>getAs("expected"), within(1e-4f));
    }
    assertThat(result.metrics().badRowsByReason()).containsEntry("nan", 5L);
    assertThat(result.metrics().nanInputValues()).isEqualTo(3);
    assertThat(result.metrics().infiniteInputValues()).isEqualTo(3);
    assertThat(result.metrics().nanOutputValues()).isZero();
  }
}
