package io.torchscore.spark;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.torchscore.SparkTestBase;
import io.torchscore.TorchScoreException;
import io.torchscore.config.BatchSize;
import io.torchscore.config.ConfKeys;
import io.torchscore.config.ScoreSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** torchscore as a Spark ML pipeline stage after a VectorAssembler, saved and loaded. */
class TorchScoreTransformerTest extends SparkTestBase {

  @TempDir Path dir;

  @Test
  void aSavedPipelineLoadedInAFreshSessionGivesPyTorchsPredictions() throws Exception {
    Pipeline pipeline =
        new Pipeline()
            .setStages(
                new PipelineStage[] {
                  new VectorAssembler().setInputCols(featureNames()).setOutputCol("features"),
                  new TorchScoreTransformer()
                      .setModelPath(fixture("tutorial_mlp.pt").toString())
                      .setFeaturesCol("features")
                      .setPredictionCol("score")
                      .setOption("batch.size", "100")
                      // A pipeline checks schemas before any data: VectorAssembler's schema has no size.
                      .setOption("input.shape", "10")
                });
    PipelineModel model = pipeline.fit(columns());
    model.write().overwrite().save(dir.resolve("pipeline").toString());

    spark.stop();
    spark = SparkSession.builder().master("local[2]").appName("torchscore-fresh").config("spark.ui.enabled", "false").getOrCreate();
    PipelineModel loaded = PipelineModel.load(dir.resolve("pipeline").toString());
    List<Row> rows = loaded.transform(columns()).orderBy("id").collectAsList();

    TorchScoreTransformer stage = (TorchScoreTransformer) loaded.stages()[1];
    assertThat(stage.scorer().settings().get(ConfKeys.BATCH_SIZE)).isEqualTo(BatchSize.of(100));
    assertThat(rows).hasSize(1000);
    for (Row row : rows) {
      assertThat(row.<Float>getAs("score")).as("row %s", row.<Long>getAs("id")).isCloseTo(row.<Float>getAs("expected"), within(1e-5f));
    }
  }

  @Test
  void theStageAloneScoresAnArrayColumnAsPyTorchDoes() {
    Dataset<Row> input =
        partitioned(fixtureTable("tutorial_mlp.jsonl", "id BIGINT, features ARRAY<FLOAT>, expected FLOAT"), 3);
    Dataset<Row> scored =
        new TorchScoreTransformer()
            .setModelPath(fixture("tutorial_mlp.pt").toString())
            .setFeaturesCol("features")
            .setPredictionCol("score")
            .setOption("batch.size", "100")
            .transform(input);

    assertPath(scored);
    List<Row> rows = byId(scored);
    assertThat(rows).hasSize(1000);
    for (Row row : rows) {
      assertThat(row.<Float>getAs("score")).as("row %s", row.<Long>getAs("id")).isCloseTo(row.<Float>getAs("expected"), within(1e-5f));
    }
  }

  @Test
  void batchSizeAutoIsAParamValue() {
    TorchScoreTransformer scorer =
        new TorchScoreTransformer()
            .setModelPath(fixture("tutorial_mlp.pt").toString())
            .setFeaturesCol("features")
            .setOption("batch.size", "auto");

    assertThat(scorer.scorer().settings().get(ConfKeys.BATCH_SIZE)).isEqualTo(BatchSize.AUTO);
    assertThat(scorer.getParam("batch.size").doc()).contains("or auto");
  }

  @Test
  void transformSchemaComputesTheOutputWithoutRunningAnything() {
    Dataset<Row> assembled =
        new VectorAssembler().setInputCols(featureNames()).setOutputCol("features").transform(columns());
    TorchScoreTransformer scorer =
        new TorchScoreTransformer().setModelPath(fixture("vector_mlp.pt").toString()).setFeaturesCol("features");
    spark.sparkContext().setJobGroup("schema", "transformSchema", false);
    StructType schema;
    try {
      schema = scorer.transformSchema(assembled.schema());
      assertThat(spark.sparkContext().statusTracker().getJobIdsForGroup("schema")).isEmpty();
    } finally {
      spark.sparkContext().clearJobGroup();
    }

    assertThat(schema.apply("prediction").dataType()).isEqualTo(DataTypes.createArrayType(DataTypes.FloatType, false));
  }

  @Test
  void everyScoringSettingIsAParamAndUnknownNamesAreRefused() {
    TorchScoreTransformer scorer = new TorchScoreTransformer();

    assertThat(scorer.params()).extracting(p -> p.name()).contains("model.path", "batch.size", "device", "precision", "on.error");
    assertThat(scorer.copy(new org.apache.spark.ml.param.ParamMap()).uid()).isEqualTo(scorer.uid());
    assertThatThrownBy(() -> scorer.setOption("batchsize", "1"))
        .isInstanceOf(TorchScoreException.class)
        .hasMessageContaining("did you mean spark.torchscore.batch.size?");
  }

  @Test
  void numberAndSwitchSettingsAreTypedParamsCheckedWhenSet() {
    TorchScoreTransformer scorer = new TorchScoreTransformer();

    assertThat(scorer.getParam("cache.models")).isInstanceOf(IntParam.class);
    assertThat(scorer.getParam("profile")).isInstanceOf(BooleanParam.class);
    assertThat(scorer.getParam("device").getClass()).isEqualTo(Param.class);
    assertThatThrownBy(() -> scorer.getParam("cache.models").w(0))
        .isInstanceOf(TorchScoreException.class)
        .hasMessage("Invalid spark.torchscore.cache.models=0: expected a whole number > 0");
    // A number or auto: its conf text, checked by its declaration.
    assertThat(scorer.getParam("batch.size").getClass()).isEqualTo(Param.class);
    assertThatThrownBy(() -> scorer.setOption("batch.size", "0"))
        .isInstanceOf(TorchScoreException.class)
        .hasMessage("Invalid spark.torchscore.batch.size=0: expected a whole number > 0 or auto");
    assertThat(scorer.setOption("batch.size", "auto").getOrDefault(scorer.getParam("batch.size"))).isEqualTo("auto");
    assertThatThrownBy(() -> scorer.setOption("device", "tpu"))
        .isInstanceOf(TorchScoreException.class)
        .hasMessage("Invalid spark.torchscore.device=tpu: expected one of auto, cpu, gpu");
  }

  @Test
  void aStageSavedWithEveryParamAsTextLoadsWithTypedParams() throws Exception {
    // As stages were saved when every param held its conf text: numbers and switches quoted.
    Path metadata = dir.resolve("text-stage/metadata");
    Files.createDirectories(metadata);
    Files.writeString(
        metadata.resolve("part-00000"),
        "{\"class\":\"io.torchscore.spark.TorchScoreTransformer\",\"timestamp\":1700000000000,"
            + "\"sparkVersion\":\"4.0.1\",\"uid\":\"torchscore_0123456789ab\",\"paramMap\":{"
            + "\"model.path\":\"m.pt\",\"features\":\"features\",\"batch.size\":\"100\","
            + "\"profile\":\"true\",\"device\":\"cpu\"},\"defaultParamMap\":{}}\n");

    TorchScoreTransformer loaded = TorchScoreTransformer.load(dir.resolve("text-stage").toString());

    ScoreSettings settings = loaded.scorer().settings();
    assertThat(loaded.uid()).isEqualTo("torchscore_0123456789ab");
    assertThat(settings.get(ConfKeys.BATCH_SIZE)).isEqualTo(BatchSize.of(100));
    assertThat(settings.get(ConfKeys.PROFILE)).isTrue();
    assertThat(settings.get(ConfKeys.DEVICE)).isEqualTo("cpu");
  }

  @Test
  void postprocessTakesSoftmaxPlusTopkAsAnyConfValue() {
    TorchScoreTransformer scorer =
        new TorchScoreTransformer()
            .setModelPath("m.pt")
            .setFeaturesCol("features")
            .setOption("postprocess", "softmax+topk")
            .setOption("spark.torchscore.topk", "3");

    assertThat(scorer.scorer().settings().postprocess()).isEqualTo(ScoreSettings.Postprocess.SOFTMAX_TOPK);
    assertThat(scorer.scorer().settings().get(ConfKeys.TOPK)).isEqualTo(3);
  }

  private static String[] featureNames() {
    String[] names = new String[10];
    for (int i = 0; i < 10; i++) {
      names[i] = "f" + i;
    }
    return names;
  }

  /** The fixture's features as ten numeric columns, as a feature table usually holds them. */
  private static Dataset<Row> columns() {
    List<Column> columns = new ArrayList<>(List.of(col("id"), col("expected")));
    for (int i = 0; i < 10; i++) {
      columns.add(col("features").getItem(i).as("f" + i));
    }
    return fixtureTable("tutorial_mlp.jsonl", "id BIGINT, features ARRAY<FLOAT>, expected FLOAT")
        .select(columns.toArray(new Column[0]));
  }
}
