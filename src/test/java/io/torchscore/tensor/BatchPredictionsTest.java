package io.torchscore.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.torchscore.config.ScoreSettings.Postprocess;
import io.torchscore.sparkinternal.SparkOutputValues;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.SpecificInternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A batch's predictions, stored in pieces (a split batch's halves) and written row by row into a
 * reused row, against values computed by hand and PyTorch's top-k and argmax of rows with ties, NaN
 * and infinities (src/test/python/make_topk_fixture.py).
 */
class BatchPredictionsTest {

  private static final OutputSpec SCORES = new OutputSpec("scores", null, 3, false, false);
  private static final OutputValues VALUES = new SparkOutputValues();

  @Test
  void scalarsAndArraysOfEachRowLandInItsColumnsWhateverPieceStoredThem() {
    List<OutputSpec> outputs =
        List.of(
            new OutputSpec("p", null, 1, true, false),
            new OutputSpec("ids", null, 2, false, true),
            new OutputSpec("n", null, 1, true, true));
    BatchPredictions predictions = new BatchPredictions(outputs, Postprocess.NONE, 0, null, false, 4, VALUES);
    // Rows 0-1 from one forward, rows 2-3 from another (a batch split after a failure).
    predictions.store(0, 0, new float[] {0.5f, -1.25f});
    predictions.store(1, 0, new long[] {1, 2, 3, 4});
    predictions.store(2, 0, new long[] {10, 20});
    predictions.store(0, 2, new float[] {7f, 8f});
    predictions.store(1, 2, new long[] {5, 6, 7, 8});
    predictions.store(2, 2, new long[] {30, 40});
    SpecificInternalRow row =
        new SpecificInternalRow(
            new StructType()
                .add("p", DataTypes.FloatType)
                .add("ids", DataTypes.createArrayType(DataTypes.LongType, false))
                .add("n", DataTypes.LongType));
    row.setNullAt(0); // a bad row emitted before: the next row's values clear its nulls

    predictions.write(1, into(row));
    assertThat(row.isNullAt(0)).isFalse();
    assertThat(row.getFloat(0)).isEqualTo(-1.25f);
    assertThat(row.getArray(1).toLongArray()).containsExactly(3, 4);
    assertThat(row.getLong(2)).isEqualTo(20);

    predictions.write(2, into(row));
    assertThat(row.getFloat(0)).isEqualTo(7f);
    assertThat(row.getArray(1).toLongArray()).containsExactly(5, 6);
    assertThat(row.getLong(2)).isEqualTo(30);
  }

  @Test
  void softmaxOfARowIsItsExponentialsOverTheirSum() {
    BatchPredictions predictions = new BatchPredictions(List.of(SCORES), Postprocess.SOFTMAX, 0, null, false, 2, VALUES);
    // Row 1: exp(0), exp(ln 2), exp(ln 5) = 1, 2, 5, summing to 8.
    predictions.store(0, 0, new float[] {9f, 9f, 9f, 0f, (float) Math.log(2), (float) Math.log(5)});
    SpecificInternalRow row =
        new SpecificInternalRow(new StructType().add("s", DataTypes.createArrayType(DataTypes.FloatType, false)));

    predictions.write(1, into(row));

    assertThat(row.getArray(0).toFloatArray()).containsExactly(new float[] {0.125f, 0.25f, 0.625f}, within(1e-6f));
  }

  @Test
  void argmaxTakesTheFirstHighestScoreAndItsLabel() {
    BatchPredictions predictions =
        new BatchPredictions(List.of(SCORES), Postprocess.ARGMAX, 0, List.of("cat", "dog", "owl"), false, 2, VALUES);
    predictions.store(0, 0, new float[] {3f, 1f, 2f, 0f, 4f, 4f});
    SpecificInternalRow row =
        new SpecificInternalRow(new StructType().add("c", DataTypes.IntegerType).add("l", DataTypes.StringType));

    predictions.write(0, into(row));
    assertThat(row.getInt(0)).isZero();
    assertThat(row.getUTF8String(1).toString()).isEqualTo("cat");

    predictions.write(1, into(row));
    assertThat(row.getInt(0)).isEqualTo(1);
    assertThat(row.getUTF8String(1).toString()).isEqualTo("dog");
  }

  @Test
  void topKListsTheHighestScoresFirstAndTiesByLowerIndex() {
    BatchPredictions predictions =
        new BatchPredictions(List.of(SCORES), Postprocess.TOPK, 2, List.of("cat", "dog", "owl"), false, 2, VALUES);
    predictions.store(0, 0, new float[] {0f, 0f, 0f, 0.5f, 2f, 2f});
    SpecificInternalRow row = new SpecificInternalRow(new StructType().add("t", DataTypes.StringType));

    predictions.write(1, into(row));

    InternalRow first = row.getArray(0).getStruct(0, 3);
    InternalRow second = row.getArray(0).getStruct(1, 3);
    assertThat(row.getArray(0).numElements()).isEqualTo(2);
    assertThat(first.getInt(0)).isEqualTo(1);
    assertThat(first.getUTF8String(1).toString()).isEqualTo("dog");
    assertThat(first.getFloat(2)).isEqualTo(2f);
    assertThat(second.getInt(0)).isEqualTo(2);
    assertThat(second.getUTF8String(1).toString()).isEqualTo("owl");
  }

  /** PyTorch's top-3 of rows of 5 scores, raw and after softmax, and their argmax. */
  private static List<JsonNode> topkRows() throws IOException {
    // Python's json writes NaN, Infinity and -Infinity.
    ObjectMapper json = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
    List<JsonNode> rows = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of("src/test/resources/fixtures/topk_rows.jsonl"))) {
      rows.add(json.readTree(line));
    }
    return rows;
  }

  /** The rows' scores, one after another, as one forward stores them. */
  private static float[] scoresOf(List<JsonNode> rows) {
    float[] scores = new float[rows.size() * 5];
    for (int r = 0; r < rows.size(); r++) {
      for (int i = 0; i < 5; i++) {
        scores[r * 5 + i] = rows.get(r).get("scores").get(i).floatValue();
      }
    }
    return scores;
  }

  /** torch.argmax: the first index of the highest score, the first NaN above every number. */
  @Test
  void argmaxTakesTheFirstNaNOrElseTheFirstHighestScoreAsTorchArgmax() throws IOException {
    List<JsonNode> rows = topkRows();
    List<String> labels = List.of("a", "b", "c", "d", "e");
    List<OutputSpec> outputs = List.of(new OutputSpec("scores", null, 5, false, false));
    BatchPredictions predictions =
        new BatchPredictions(outputs, Postprocess.ARGMAX, 0, labels, false, rows.size(), VALUES);
    predictions.store(0, 0, scoresOf(rows));
    SpecificInternalRow target =
        new SpecificInternalRow(new StructType().add("c", DataTypes.IntegerType).add("l", DataTypes.StringType));

    for (int r = 0; r < rows.size(); r++) {
      int expected = rows.get(r).get("argmax").asInt();
      predictions.write(r, into(target));
      assertThat(target.getInt(0)).as("row %s: %s", r, rows.get(r).get("scores")).isEqualTo(expected);
      assertThat(target.getUTF8String(1).toString()).isEqualTo(labels.get(expected));
    }
  }

  /**
   * torch.topk's indexes where the row has no equal values; where it has, torch.topk's order among
   * them is its selection algorithm's, and torch.sort(descending=True, stable=True)'s is expected.
   * softmax+topk ranks by the scores, so its ties are the scores' ties, not the probabilities'.
   */
  @ParameterizedTest
  @EnumSource(value = Postprocess.class, names = {"TOPK", "SOFTMAX_TOPK"})
  void topKRanksNaNFirstAndEqualScoresByIndexWithTorchTopkScores(Postprocess postprocess) throws IOException {
    boolean softmax = postprocess == Postprocess.SOFTMAX_TOPK;
    List<JsonNode> rows = topkRows();
    BatchPredictions predictions =
        new BatchPredictions(
            List.of(new OutputSpec("scores", null, 5, false, false)), postprocess, 3, null, false, rows.size(), VALUES);
    predictions.store(0, 0, scoresOf(rows));
    SpecificInternalRow target = new SpecificInternalRow(new StructType().add("t", DataTypes.StringType));

    for (int r = 0; r < rows.size(); r++) {
      JsonNode expected = rows.get(r);
      String prefix = softmax ? "softmax_topk_" : "topk_";
      JsonNode indexes =
          expected.get(softmax ? "softmax_distinct" : "distinct").asBoolean()
              ? expected.get(prefix + "index")
              : expected.get("ranked_index");
      predictions.write(r, into(target));
      assertThat(target.getArray(0).numElements()).isEqualTo(3);
      for (int i = 0; i < 3; i++) {
        InternalRow entry = target.getArray(0).getStruct(i, 3);
        float score = expected.get(prefix + "score").get(i).floatValue();
        assertThat(entry.getInt(0)).as("row %s, index %s", r, i).isEqualTo(indexes.get(i).asInt());
        assertThat(entry.isNullAt(1)).isTrue();
        if (Float.isNaN(score)) {
          assertThat(entry.getFloat(2)).as("row %s, score %s", r, i).isNaN();
        } else if (Float.isInfinite(score)) {
          assertThat(entry.getFloat(2)).as("row %s, score %s", r, i).isEqualTo(score);
        } else {
          assertThat(entry.getFloat(2)).as("row %s, score %s", r, i).isCloseTo(score, within(1e-6f));
        }
      }
    }
  }

  @Test
  void severalOutputsAsOneStructHoldEachOutputsValue() {
    List<OutputSpec> outputs =
        List.of(new OutputSpec("a", null, 1, true, false), new OutputSpec("b", null, 2, false, false));
    BatchPredictions predictions = new BatchPredictions(outputs, Postprocess.NONE, 0, null, true, 2, VALUES);
    predictions.store(0, 0, new float[] {1f, 2f});
    predictions.store(1, 0, new float[] {3f, 4f, 5f, 6f});
    SpecificInternalRow row = new SpecificInternalRow(new StructType().add("s", DataTypes.StringType));

    predictions.write(1, into(row));

    InternalRow struct = row.getStruct(0, 2);
    assertThat(struct.getFloat(0)).isEqualTo(2f);
    assertThat(struct.getArray(1).toFloatArray()).containsExactly(5f, 6f);
  }

  /** Writes into a Spark row, as the scoring step's appended columns do. */
  private static OutputRow into(InternalRow row) {
    return new OutputRow() {
      @Override
      public void setInt(int i, int value) {
        row.setInt(i, value);
      }

      @Override
      public void setLong(int i, long value) {
        row.setLong(i, value);
      }

      @Override
      public void setFloat(int i, float value) {
        row.setFloat(i, value);
      }

      @Override
      public void set(int i, Object value) {
        row.update(i, value);
      }
    };
  }
}
