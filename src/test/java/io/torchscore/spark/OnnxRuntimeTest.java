package io.torchscore.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.torchscore.SparkTestBase;
import io.torchscore.TorchScoreException;
import io.torchscore.config.ImageSettings;
import io.torchscore.config.ScoreSettings.OnError;
import io.torchscore.config.ScoreSettings.Postprocess;
import io.torchscore.model.ModelCache;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code spark.torchscore.engine=onnxruntime}: ONNX exports ({@code torch.onnx.export}) of the
 * TorchScript fixtures, loaded back from their .pt files, score to PyTorch's own outputs through
 * every input kind, output kind, post-processing and bad-row policy. ONNX Runtime and libtorch
 * compute the same float32 arithmetic in different orders: 1e-5, as for TorchScript, bounds it.
 */
class OnnxRuntimeTest extends SparkTestBase {

  private static final float TOLERANCE = 1e-5f;

  private static final String MULTI =
      "id BIGINT, features ARRAY<FLOAT>, tuple_scores ARRAY<DOUBLE>, tuple_value DOUBLE,"
          + " dict_logits ARRAY<DOUBLE>, dict_score DOUBLE, softmax ARRAY<DOUBLE>, argmax INT,"
          + " top2_index ARRAY<INT>, top2_score ARRAY<DOUBLE>";

  @TempDir Path dir;

  private static TorchScorer.Builder onnx(String model) {
    return TorchScorer.builder().engine("onnxruntime").modelPath(fixture(model).toString());
  }

  private static void assertFloats(List<?> actual, List<?> expected, String what) {
    assertThat(actual).as(what).hasSameSizeAs(expected);
    for (int i = 0; i < actual.size(); i++) {
      assertThat(((Number) actual.get(i)).floatValue())
          .as("%s[%s]", what, i)
          .isCloseTo(((Number) expected.get(i)).floatValue(), within(TOLERANCE));
    }
  }

  private static void assertScalars(List<Row> rows, int count) {
    assertThat(rows).hasSize(count);
    for (Row row : rows) {
      assertThat(row.<Float>getAs("prediction"))
          .as("row %s", row.<Long>getAs("id"))
          .isCloseTo(((Number) row.getAs("expected")).floatValue(), within(TOLERANCE));
    }
  }

  private static void assertVectors(List<Row> rows, int count) {
    assertThat(rows).hasSize(count);
    for (Row row : rows) {
      assertFloats(
          row.getList(row.fieldIndex("prediction")),
          row.getList(row.fieldIndex("expected")),
          "row " + row.<Long>getAs("id"));
    }
  }

  @Test
  void tutorialMlpMatchesPyTorchWithOneSessionPerJvm() {
    Dataset<Row> input =
        fixtureTable("tutorial_mlp.jsonl", "id BIGINT, features ARRAY<FLOAT>, expected FLOAT")
            .repartition(3);
    long loadsBefore = ModelCache.loadCount();

    Dataset<Row> scored = onnx("tutorial_mlp.onnx").featuresCol("features").batchSize(64).build().transform(input);

    assertThat(scored.schema().apply("prediction").dataType()).isEqualTo(DataTypes.FloatType);
    assertScalars(byId(scored), 1000);
    assertScalars(byId(scored), 1000);
    // The driver's check and three partitions, twice: one ONNX Runtime session in this JVM.
    assertThat(ModelCache.loadCount() - loadsBefore).isEqualTo(1);
  }

  @Test
  void vectorOutputFromDoubleArraysMatchesPyTorch() {
    Dataset<Row> input =
        fixtureTable("vector_mlp.jsonl", "id BIGINT, features ARRAY<DOUBLE>, expected ARRAY<FLOAT>");

    Dataset<Row> scored = onnx("vector_mlp.onnx").featuresCol("features").batchSize(7).build().transform(input);

    assertThat(scored.schema().apply("prediction").dataType())
        .isEqualTo(DataTypes.createArrayType(DataTypes.FloatType, false));
    assertVectors(byId(scored), 300);
  }

  @Test
  void numericColumnsIntegerIdsAndAReshapedArrayFeedTheGraph() {
    assertScalars(
        byId(
            onnx("columns_model.onnx")
                .featuresCols("a", "b", "c", "d")
                .batchSize(50)
                .build()
                .transform(
                    fixtureTable(
                        "columns_model.jsonl",
                        "id BIGINT, a INT, b BIGINT, c FLOAT, d DOUBLE, expected FLOAT"))),
        200);
    assertVectors(
        byId(
            onnx("id_embedding.onnx")
                .featuresCol("ids")
                .batchSize(16)
                .build()
                .transform(fixtureTable("id_embedding.jsonl", "id BIGINT, ids ARRAY<BIGINT>, expected ARRAY<FLOAT>"))),
        100);
    assertVectors(
        byId(
            onnx("conv_net.onnx")
                .featuresCol("pixels")
                .inputShapes(List.of(List.of(1L, 4L, 4L)))
                .batchSize(8)
                .build()
                .transform(fixtureTable("conv_net.jsonl", "id BIGINT, pixels ARRAY<FLOAT>, expected ARRAY<FLOAT>"))),
        50);
  }

  @Test
  void twoInputsAreFedInOrder() {
    Dataset<Row> input =
        fixtureTable("two_inputs.jsonl", "id BIGINT, x ARRAY<FLOAT>, y0 DOUBLE, y1 FLOAT, expected FLOAT");

    Dataset<Row> scored =
        onnx("two_inputs.onnx").inputs(List.of(List.of("x"), List.of("y0", "y1"))).batchSize(30).build().transform(input);

    assertScalars(byId(scored), 100);
  }

  @Test
  void tupleOutputsBecomeColumnsNamedAndOrderedAsTheGraphsOutputs() {
    Dataset<Row> scored = onnx("tuple_outputs.onnx").featuresCol("features").build().transform(fixtureTable("multi_outputs.jsonl", MULTI));

    StructType schema = scored.schema();
    assertThat(schema.fieldNames()).endsWith("scores", "value");
    assertThat(schema.apply("scores").dataType()).isEqualTo(DataTypes.createArrayType(DataTypes.FloatType, false));
    assertThat(schema.apply("value").dataType()).isEqualTo(DataTypes.FloatType);
    List<Row> rows = byId(scored);
    assertThat(rows).hasSize(60);
    for (Row row : rows) {
      assertFloats(row.getList(row.fieldIndex("scores")), row.getList(row.fieldIndex("tuple_scores")), "scores");
      assertThat(row.<Float>getAs("value"))
          .isCloseTo(((Double) row.getAs("tuple_value")).floatValue(), within(TOLERANCE));
    }
  }

  @Test
  void outputNamesRenameTheGraphsOutputs() {
    Dataset<Row> scored =
        onnx("tuple_outputs.onnx")
            .featuresCol("features")
            .outputNames(List.of("a", "b"))
            .build()
            .transform(fixtureTable("multi_outputs.jsonl", MULTI));

    assertThat(scored.schema().fieldNames()).endsWith("a", "b");
  }

  @Test
  void softmaxArgmaxAndTopkApplyToTheGraphsScores() throws Exception {
    Path labels = dir.resolve("labels.txt");
    List<String> names = List.of("cat", "dog", "bird", "fish");
    Files.write(labels, names);
    Dataset<Row> input = fixtureTable("multi_outputs.jsonl", MULTI);

    for (Row row : classify(Postprocess.SOFTMAX, labels).transform(input).collectAsList()) {
      assertFloats(row.getList(row.fieldIndex("prediction")), row.getList(row.fieldIndex("softmax")), "softmax");
    }
    for (Row row : classify(Postprocess.ARGMAX, labels).transform(input).collectAsList()) {
      assertThat(row.<Integer>getAs("prediction")).isEqualTo(row.<Integer>getAs("argmax"));
      assertThat(row.<String>getAs("prediction_label")).isEqualTo(names.get(row.<Integer>getAs("argmax")));
    }
    for (Row row : classify(Postprocess.TOPK, labels).transform(input).collectAsList()) {
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

  private TorchScorer classify(Postprocess postprocess, Path labels) {
    return onnx("classifier.onnx")
        .featuresCol("features")
        .postprocess(postprocess)
        .topK(2)
        .labelsPath(labels.toString())
        .build();
  }

  @Test
  void aNullRowGetsANullPredictionAndItsReasonWithOnErrorNull() {
    StructType schema = StructType.fromDDL("id BIGINT, features ARRAY<FLOAT>, expected FLOAT");
    List<Row> rows = new ArrayList<>(fixtureTable("tutorial_mlp.jsonl", schema.toDDL()).limit(20).collectAsList());
    rows.set(5, RowFactory.create(5L, null, 0f));

    Dataset<Row> scored =
        onnx("tutorial_mlp.onnx")
            .featuresCol("features")
            .onError(OnError.NULL)
            .batchSize(8)
            .build()
            .transform(spark.createDataFrame(rows, schema));

    List<Row> out = byId(scored);
    assertThat(out).hasSize(20);
    for (Row row : out) {
      if (row.<Long>getAs("id") == 5L) {
        assertThat(row.isNullAt(row.fieldIndex("prediction"))).isTrue();
        assertThat(row.<String>getAs("_error")).isEqualTo("null_features: column 'features' is null");
      } else {
        assertThat(row.isNullAt(row.fieldIndex("_error"))).isTrue();
        assertThat(row.<Float>getAs("prediction")).isCloseTo(row.<Float>getAs("expected"), within(TOLERANCE));
      }
    }
  }

  @Test
  void imagesArePreprocessedAsForTorchScript() {
    Dataset<Row> images = spark.read().format("binaryFile").load(fixture("images").toString());
    Map<String, List<Double>> expected = new HashMap<>();
    for (Row row : fixtureTable("images.jsonl", "name STRING, expected ARRAY<DOUBLE>").collectAsList()) {
      expected.put(row.getString(0), row.getList(1));
    }

    List<Row> rows =
        onnx("flatten.onnx")
            .featuresCol("content")
            .image(new ImageSettings(64, 56, new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f}))
            .batchSize(3)
            .build()
            .transform(images)
            .collectAsList();

    // The tolerances of ImageInputTest: PNG within one 8-bit level, JPEG within the decoders' spread.
    assertThat(rows).hasSize(4);
    for (Row row : rows) {
      String name = Path.of(row.<String>getAs("path").replace("file:", "")).getFileName().toString();
      List<Float> actual = row.getList(row.fieldIndex("prediction"));
      List<Double> want = expected.get(name);
      assertThat(actual).hasSameSizeAs(want);
      double maxDiff = 0;
      for (int i = 0; i < actual.size(); i++) {
        maxDiff = Math.max(maxDiff, Math.abs(actual.get(i) - want.get(i)));
      }
      assertThat(maxDiff).as(name).isLessThanOrEqualTo(name.endsWith(".png") ? 0.02 : 0.1);
    }
  }

  @Test
  void aTorchScriptFileIsNotAnOnnxModel() {
    TorchScorer scorer = onnx("tutorial_mlp.pt").featuresCol("features").build();
    Dataset<Row> input = fixtureTable("tutorial_mlp.jsonl", "id BIGINT, features ARRAY<FLOAT>, expected FLOAT");

    assertThatThrownBy(() -> scorer.transform(input))
        .isInstanceOf(TorchScoreException.class)
        .hasMessageContaining("not a loadable ONNX file")
        .hasMessageContaining("spark.torchscore.engine=pytorch");
  }

  @Test
  void fp16IsRefusedWithTheReason() {
    TorchScorer scorer = onnx("vector_mlp.onnx").featuresCol("features").precision("fp16").build();
    Dataset<Row> input = fixtureTable("vector_mlp.jsonl", "id BIGINT, features ARRAY<DOUBLE>, expected ARRAY<FLOAT>");

    assertThatThrownBy(() -> scorer.transform(input))
        .isInstanceOf(TorchScoreException.class)
        .hasMessageContaining("spark.torchscore.precision=fp16 with spark.torchscore.engine=onnxruntime");
  }
}
