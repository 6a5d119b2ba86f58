package io.torchscore.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.torchscore.SparkTestBase;
import io.torchscore.config.ScoreSettings.Postprocess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Tuple and dict outputs, and classification post-processing, against PyTorch's outputs. */
class OutputsTest extends SparkTestBase {

  private static final float TOLERANCE = 1e-5f;

  private static final String SCHEMA =
      "id BIGINT, features ARRAY<FLOAT>, tuple_scores ARRAY<DOUBLE>, tuple_value DOUBLE,"
          + " dict_logits ARRAY<DOUBLE>, dict_score DOUBLE, softmax ARRAY<DOUBLE>, argmax INT,"
          + " top2_index ARRAY<INT>, top2_score ARRAY<DOUBLE>";

  @TempDir Path dir;

  private static Dataset<Row> input() {
    return fixtureTable("multi_outputs.jsonl", SCHEMA);
  }

  private static void assertFloats(List<?> actual, List<?> expected, String what) {
    assertThat(actual).as(what).hasSameSizeAs(expected);
    for (int i = 0; i < actual.size(); i++) {
      assertThat(((Number) actual.get(i)).floatValue())
          .as("%s[%s]", what, i)
          .isCloseTo(((Number) expected.get(i)).floatValue(), within(TOLERANCE));
    }
  }

  @Test
  void aTupleBecomesOneColumnPerOutputNamedByPosition() {
    Dataset<Row> scored =
        TorchScorer.builder()
            .modelPath(fixture("tuple_outputs.pt").toString())
            .featuresCol("features")
            .build()
            .transform(input());

    assertPath(scored);
    assertThat(scored.schema().apply("output_0").dataType())
        .isEqualTo(DataTypes.createArrayType(DataTypes.FloatType, false));
    assertThat(scored.schema().apply("output_1").dataType()).isEqualTo(DataTypes.FloatType);
    for (Row row : scored.collectAsList()) {
      assertFloats(row.getList(row.fieldIndex("output_0")), row.getList(row.fieldIndex("tuple_scores")), "scores");
      assertThat(row.<Float>getAs("output_1"))
          .isCloseTo(((Double) row.getAs("tuple_value")).floatValue(), within(TOLERANCE));
    }
  }

  @Test
  void outputNamesAreConfigurable() {
    Dataset<Row> scored =
        TorchScorer.builder()
            .modelPath(fixture("tuple_outputs.pt").toString())
            .featuresCol("features")
            .outputNames(List.of("scores", "value"))
            .build()
            .transform(input());

    assertThat(scored.columns()).endsWith("scores", "value");
  }

  @Test
  void aDictBecomesOneColumnPerKey() {
    Dataset<Row> scored =
        TorchScorer.builder()
            .modelPath(fixture("dict_outputs.pt").toString())
            .featuresCol("features")
            .build()
            .transform(input());

    // A dict's columns come in its keys' alphabetical order.
    assertThat(scored.columns()).endsWith("logits", "score");
    for (Row row : scored.collectAsList()) {
      assertFloats(row.getList(row.fieldIndex("logits")), row.getList(row.fieldIndex("dict_logits")), "logits");
      assertThat(row.<Float>getAs("score"))
          .isCloseTo(((Double) row.getAs("dict_score")).floatValue(), within(TOLERANCE));
    }
  }

  @Test
  void outputsCanBeOneStructColumn() {
    Dataset<Row> scored =
        TorchScorer.builder()
            .modelPath(fixture("dict_outputs.pt").toString())
            .featuresCol("features")
            .outputStruct(true)
            .build()
            .transform(input());

    StructType struct = (StructType) scored.schema().apply("prediction").dataType();
    assertThat(struct.fieldNames()).containsExactly("logits", "score");
    for (Row row : scored.collectAsList()) {
      Row prediction = row.getStruct(row.fieldIndex("prediction"));
      assertFloats(prediction.getList(prediction.fieldIndex("logits")), row.getList(row.fieldIndex("dict_logits")), "logits");
    }
  }

  private Dataset<Row> classify(Postprocess postprocess, Path labels) {
    return TorchScorer.builder()
        .modelPath(fixture("classifier.pt").toString())
        .featuresCol("features")
        .postprocess(postprocess)
        .topK(2)
        .labelsPath(labels == null ? null : labels.toString())
        .build()
        .transform(input());
  }

  private Path labels() throws Exception {
    Path file = dir.resolve("labels.txt");
    Files.write(file, List.of("cat", "dog", "bird", "fish"));
    return file;
  }

  @Test
  void softmaxMatchesTorchSoftmax() {
    for (Row row : classify(Postprocess.SOFTMAX, null).collectAsList()) {
      assertFloats(row.getList(row.fieldIndex("prediction")), row.getList(row.fieldIndex("softmax")), "softmax");
    }
  }

  @Test
  void argmaxGivesTheIndexAndItsLabel() throws Exception {
    List<String> names = List.of("cat", "dog", "bird", "fish");
    Dataset<Row> scored = classify(Postprocess.ARGMAX, labels());

    assertThat(scored.schema().apply("prediction").dataType()).isEqualTo(DataTypes.IntegerType);
    for (Row row : scored.collectAsList()) {
      assertThat(row.<Integer>getAs("prediction")).isEqualTo(row.<Integer>getAs("argmax"));
      assertThat(row.<String>getAs("prediction_label")).isEqualTo(names.get(row.<Integer>getAs("argmax")));
    }
  }

  @Test
  void topkGivesTheHighestScoresWithIndexesAndLabels() throws Exception {
    List<String> names = List.of("cat", "dog", "bird", "fish");
    for (Row row : classify(Postprocess.TOPK, labels()).collectAsList()) {
      List<Row> top = row.getList(row.fieldIndex("prediction"));
      List<Integer> indexes = row.getList(row.fieldIndex("top2_index"));
      List<Double> scores = row.getList(row.fieldIndex("top2_score"));
      assertThat(top).hasSize(2);
      for (int i = 0; i < 2; i++) {
        assertThat(top.get(i).<Integer>getAs("index")).isEqualTo(indexes.get(i));
        assertThat(top.get(i).<String>getAs("label")).isEqualTo(names.get(indexes.get(i)));
        assertThat(top.get(i).<Float>getAs("score")).isCloseTo(scores.get(i).floatValue(), within(TOLERANCE));
      }
    }
  }

  /**
   * topk and softmax+topk, named as in a conf, over rows with ties, NaN and infinities
   * (topk_rows.jsonl, from make_topk_fixture.py). flatten.pt returns its input flattened per row,
   * so a row's features are its scores. Indexes are torch.topk's where the row's values are all
   * different, and torch.sort(descending=True, stable=True)'s where some are equal (whose order
   * torch.topk leaves to its algorithm); softmax+topk ranks by the scores, so its ties are theirs.
   */
  @ParameterizedTest
  @ValueSource(strings = {"topk", "softmax+topk"})
  void topkAndSoftmaxPlusTopkGiveTorchTopkOfTheScoresAndOfTheirProbabilities(String postprocess) {
    String prefix = postprocess.equals("topk") ? "topk_" : "softmax_topk_";
    Dataset<Row> scored =
        TorchScorer.builder()
            .modelPath(fixture("flatten.pt").toString())
            .featuresCol("scores")
            .option("postprocess", postprocess)
            .topK(3)
            .build()
            .transform(
                fixtureTable(
                    "topk_rows.jsonl",
                    "id BIGINT, scores ARRAY<FLOAT>, topk_index ARRAY<INT>, topk_score ARRAY<FLOAT>,"
                        + " softmax_topk_index ARRAY<INT>, softmax_topk_score ARRAY<FLOAT>,"
                        + " ranked_index ARRAY<INT>, `distinct` BOOLEAN, softmax_distinct BOOLEAN"));

    assertPath(scored);
    List<Row> rows = byId(scored);
    assertThat(rows).hasSize(15);
    for (Row row : rows) {
      long id = row.<Long>getAs("id");
      boolean distinct = row.<Boolean>getAs(postprocess.equals("topk") ? "distinct" : "softmax_distinct");
      List<Integer> indexes = row.getList(row.fieldIndex(distinct ? prefix + "index" : "ranked_index"));
      List<Float> scores = row.getList(row.fieldIndex(prefix + "score"));
      List<Row> top = row.getList(row.fieldIndex("prediction"));
      assertThat(top).as("row %s", id).hasSize(3);
      for (int i = 0; i < 3; i++) {
        float score = top.get(i).<Float>getAs("score");
        assertThat(top.get(i).<Integer>getAs("index")).as("row %s, index %s", id, i).isEqualTo(indexes.get(i));
        if (Float.isNaN(scores.get(i))) {
          assertThat(score).as("row %s, score %s", id, i).isNaN();
        } else if (Float.isInfinite(scores.get(i))) {
          assertThat(score).as("row %s, score %s", id, i).isEqualTo(scores.get(i));
        } else {
          assertThat(score).as("row %s, score %s", id, i).isCloseTo(scores.get(i), within(1e-6f));
        }
      }
    }
  }
}
