package io.torchscore.spark;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.torchscore.SparkTestBase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.functions;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every input shape users bring, each checked against PyTorch's own outputs. */
class InputsTest extends SparkTestBase {

  private static final float TOLERANCE = 1e-5f;

  @TempDir Path dir;

  private static void assertVectorsMatch(List<Row> rows, String actual, String expected) {
    assertThat(rows).isNotEmpty();
    for (Row row : rows) {
      List<Float> got = row.getList(row.fieldIndex(actual));
      List<Double> want = row.getList(row.fieldIndex(expected));
      assertThat(got).hasSameSizeAs(want);
      for (int i = 0; i < got.size(); i++) {
        assertThat(got.get(i)).as("row %s value %s", row.<Long>getAs("id"), i)
            .isCloseTo(want.get(i).floatValue(), within(TOLERANCE));
      }
    }
  }

  @Test
  void denseSparkMlVectorsAreFeatures() {
    Dataset<Row> input =
        asInput(
            fixtureTable("vector_mlp.jsonl", "id BIGINT, features ARRAY<DOUBLE>, expected ARRAY<DOUBLE>")
                .withColumn("vector", functions.array_to_vector(col("features"))));

    Dataset<Row> scored =
        TorchScorer.builder()
            .modelPath(fixture("vector_mlp.pt").toString())
            .featuresCol("vector")
            .batchSize(32)
            .build()
            .transform(input);

    assertPath(scored);
    assertVectorsMatch(scored.collectAsList(), "prediction", "expected");
  }

  @Test
  void sparseSparkMlVectorsAreFeatures() {
    List<Row> rows = new ArrayList<>();
    for (Row row : fixtureTable("vector_mlp.jsonl", "id BIGINT, features ARRAY<DOUBLE>, expected ARRAY<DOUBLE>").collectAsList()) {
      List<Double> features = row.getList(1);
      // Store only the non-zero features (rounded to float, as the model sees them) sparsely;
      // every other feature of the sparse vector is zero.
      int[] indices = new int[features.size()];
      double[] values = new double[features.size()];
      for (int i = 0; i < indices.length; i++) {
        indices[i] = i;
        values[i] = features.get(i);
      }
      Vector sparse = Vectors.sparse(features.size(), indices, values);
      rows.add(RowFactory.create(row.getLong(0), sparse, row.getList(2)));
    }
    StructType schema =
        new StructType()
            .add("id", DataTypes.LongType)
            .add("vector", SQLDataTypes.VectorType())
            .add("expected", DataTypes.createArrayType(DataTypes.DoubleType));

    Dataset<Row> scored =
        TorchScorer.builder()
            .modelPath(fixture("vector_mlp.pt").toString())
            .featuresCol("vector")
            .build()
            .transform(asInput(spark.createDataFrame(rows, schema)));

    assertThat(scored.first().get(1)).isInstanceOf(org.apache.spark.ml.linalg.SparseVector.class);
    assertVectorsMatch(scored.collectAsList(), "prediction", "expected");
  }

  @Test
  void integerIdsArePassedAsInt64Tensors() {
    Dataset<Row> input =
        fixtureTable("id_embedding.jsonl", "id BIGINT, ids ARRAY<BIGINT>, expected ARRAY<DOUBLE>");

    Dataset<Row> scored =
        TorchScorer.builder()
            .modelPath(fixture("id_embedding.pt").toString())
            .featuresCol("ids")
            .batchSize(16)
            .build()
            .transform(input);

    assertPath(scored);
    assertVectorsMatch(scored.collectAsList(), "prediction", "expected");
  }

  @Test
  void aDeclaredInputShapeReshapesAFlatArrayPerRow() {
    Dataset<Row> input =
        fixtureTable("conv_net.jsonl", "id BIGINT, pixels ARRAY<FLOAT>, expected ARRAY<DOUBLE>");

    Dataset<Row> scored =
        TorchScorer.builder()
            .modelPath(fixture("conv_net.pt").toString())
            .featuresCol("pixels")
            .inputShapes(List.of(List.of(1L, 4L, 4L)))
            .batchSize(8)
            .build()
            .transform(input);

    assertVectorsMatch(scored.collectAsList(), "prediction", "expected");
  }

  @Test
  void severalColumnsFeedSeveralModelInputsInOrder() {
    Dataset<Row> input =
        fixtureTable("two_inputs.jsonl", "id BIGINT, x ARRAY<FLOAT>, y0 DOUBLE, y1 FLOAT, expected FLOAT");

    Dataset<Row> scored =
        TorchScorer.builder()
            .modelPath(fixture("two_inputs.pt").toString())
            .inputs(List.of(List.of("x"), List.of("y0", "y1")))
            .batchSize(30)
            .build()
            .transform(input);

    assertPath(scored);
    List<Row> rows = scored.collectAsList();
    assertThat(rows).hasSize(100);
    for (Row row : rows) {
      assertThat(row.<Float>getAs("prediction")).isCloseTo(row.<Float>getAs("expected"), within(TOLERANCE));
    }
  }

  @Test
  void textThatIsNotANumberIsABadRowNamingTheColumnAndValue() {
    Dataset<Row> input =
        spark.createDataFrame(
            List.of(RowFactory.create("1", "2", "0.5", "0.25"), RowFactory.create("1", "abc", "0.5", "0.25")),
            StructType.fromDDL("a STRING, b STRING, c STRING, d STRING"));
    // One partition, so that the rows keep their order on COLUMNAR too (one Parquet file).
    input = asInput(input.coalesce(1));

    List<Row> rows =
        TorchScorer.builder()
            .modelPath(fixture("columns_model.pt").toString())
            .featuresCols("a", "b", "c", "d")
            .onError(io.torchscore.config.ScoreSettings.OnError.NULL)
            .build()
            .transform(input)
            .collectAsList();

    assertThat(rows.get(0).isNullAt(rows.get(0).fieldIndex("_error"))).isTrue();
    assertThat(rows.get(1).<String>getAs("_error")).isEqualTo("unparseable: column 'b' holds 'abc', not a number (e.g. 8, -0.5, 1.5e-3, NaN, Inf or -Inf)");
  }

  @Test
  void theOutputSchemaIsKnownWithoutRunningASparkJob() {
    Dataset<Row> input =
        fixtureTable("conv_net.jsonl", "id BIGINT, pixels ARRAY<FLOAT>, expected ARRAY<DOUBLE>");
    spark.sparkContext().setJobGroup("schema-only", "transform without an action", false);
    try {
      Dataset<Row> scored =
          TorchScorer.builder()
              .modelPath(fixture("conv_net.pt").toString())
              .featuresCol("pixels")
              .inputShapes(List.of(List.of(1L, 4L, 4L)))
              .build()
              .transform(input);

      assertThat(scored.schema().apply("prediction").dataType())
          .isEqualTo(DataTypes.createArrayType(DataTypes.FloatType, false));
      assertThat(spark.sparkContext().statusTracker().getJobIdsForGroup("schema-only")).isEmpty();
      // The group does record jobs: an action shows up in it.
      assertThat(scored.count()).isEqualTo(50);
      assertThat(spark.sparkContext().statusTracker().getJobIdsForGroup("schema-only")).isNotEmpty();
    } finally {
      spark.sparkContext().clearJobGroup();
    }
  }

  @Test
  void textColumnsFromCsvAreParsedAsNumbers() {
    Path csv = dir.resolve("columns.csv");
    fixtureTable("columns_model.jsonl", "id BIGINT, a INT, b BIGINT, c FLOAT, d DOUBLE, expected FLOAT")
        .coalesce(1)
        .write()
        .option("header", "true")
        .csv(csv.toString());
    // No schema, no inference: every column is a string, as a raw CSV gives.
    Dataset<Row> input = spark.read().option("header", "true").csv(csv.toString());
    assertThat(input.schema().apply("a").dataType()).isEqualTo(DataTypes.StringType);

    Dataset<Row> scored =
        TorchScorer.builder()
            .modelPath(fixture("columns_model.pt").toString())
            .featuresCols("a", "b", "c", "d")
            .build()
            .transform(input);

    List<Row> rows = scored.collectAsList();
    assertThat(rows).hasSize(200);
    for (Row row : rows) {
      assertThat(row.<Float>getAs("prediction"))
          .isCloseTo(Float.parseFloat(row.getAs("expected")), within(TOLERANCE));
    }
  }
}
