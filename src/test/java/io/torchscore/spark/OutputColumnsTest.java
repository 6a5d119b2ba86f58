package io.torchscore.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.torchscore.SparkTestBase;
import io.torchscore.TorchScoreException;
import io.torchscore.config.JobSettings;
import io.torchscore.config.ScoreSettings.OnError;
import io.torchscore.job.ScoreJob;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code spark.torchscore.output.columns} / {@code keepColumns}: only the kept input columns
 * stand beside the predictions, which still equal PyTorch's outputs; columns neither kept nor
 * read by scoring are not even read from the input.
 */
class OutputColumnsTest extends SparkTestBase {

  private static final float TOLERANCE = 1e-5f;
  private static final String MLP = "id BIGINT, features ARRAY<FLOAT>, expected FLOAT";

  @TempDir Path dir;

  private static TorchScorer.Builder mlp() {
    return TorchScorer.builder().modelPath(fixture("tutorial_mlp.pt").toString()).featuresCol("features").batchSize(64);
  }

  /** PyTorch's output for each id of the fixture. */
  private static Map<Long, Float> expectedById() {
    Map<Long, Float> expected = new HashMap<>();
    for (Row row : fixtureTable("tutorial_mlp.jsonl", MLP).collectAsList()) {
      expected.put(row.getLong(0), row.getFloat(2));
    }
    return expected;
  }

  @Test
  void keptColumnsAloneStandBesideThePredictions() {
    Dataset<Row> scored = mlp().keepColumns("id").build().transform(partitioned(fixtureTable("tutorial_mlp.jsonl", MLP), 3));

    assertPath(scored);
    assertThat(scored.columns()).containsExactly("id", "prediction");
    Map<Long, Float> expected = expectedById();
    List<Row> rows = scored.collectAsList();
    assertThat(rows).hasSize(1000);
    for (Row row : rows) {
      assertThat(row.getFloat(1)).as("row %s", row.getLong(0)).isCloseTo(expected.get(row.getLong(0)), within(TOLERANCE));
    }
  }

  @Test
  void keptColumnsComeInTheOrderGivenWithoutTheAssembledFeatureColumns() {
    Dataset<Row> input =
        fixtureTable("columns_model.jsonl", "id BIGINT, a INT, b BIGINT, c FLOAT, d DOUBLE, expected FLOAT");
    Dataset<Row> scored =
        TorchScorer.builder()
            .modelPath(fixture("columns_model.pt").toString())
            .featuresCols("a", "b", "c", "d")
            .keyColumn("b")
            .keepColumns("expected", "id")
            .build()
            .transform(input);

    assertThat(scored.columns()).containsExactly("expected", "id", "prediction");
    for (Row row : scored.collectAsList()) {
      assertThat(row.getFloat(2)).as("row %s", row.getLong(1)).isCloseTo(row.getFloat(0), within(TOLERANCE));
    }
  }

  @Test
  void columnsNeitherKeptNorScoredAreNotReadFromTheInput() {
    String table = dir.resolve("mlp").toString();
    fixtureTable("tutorial_mlp.jsonl", MLP).write().parquet(table);

    Dataset<Row> scored = mlp().keepColumns("id").build().transform(spark.read().parquet(table));

    String plan = scored.queryExecution().executedPlan().toString();
    assertThat(plan).contains("ReadSchema: struct<id:bigint,features:array<float>>").contains("torchscore (columnar)");
  }

  @Test
  void anUnknownKeptColumnFailsBeforeScoringNamingTheSetting() {
    TorchScorer scorer = mlp().option("output.columns", "id,idx").build();

    assertThatThrownBy(() -> scorer.transform(fixtureTable("tutorial_mlp.jsonl", MLP)))
        .isInstanceOf(TorchScoreException.class)
        .hasMessageStartingWith("Cannot score: output column 'idx' (spark.torchscore.output.columns) is not in the input;")
        .hasMessageNotContaining("\n");
  }

  @Test
  void badRowsKeepTheErrorColumnAndTheRejectsHoldTheKeptColumns() {
    Dataset<Row> input =
        asInput(
            spark.sql("SELECT 1L AS id, CAST(NULL AS ARRAY<FLOAT>) AS features, 'x' AS note UNION ALL"
                + " SELECT 2L, array(0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f, 0.9f, 1.0f), 'y'"));
    ScoreResult result = mlp().keepColumns("id").onError(OnError.SKIP).build().score(input);

    assertThat(result.scored().columns()).containsExactly("id", "prediction");
    assertThat(result.scored().collectAsList()).extracting(row -> row.getLong(0)).containsExactly(2L);
    List<Row> rejects = result.rejects().collectAsList();
    assertThat(result.rejects().columns()).containsExactly("id", "_error");
    assertThat(rejects).extracting(row -> row.getLong(0)).containsExactly(1L);
  }

  @Test
  void aBadRowIsNamedByItsKeyWhenTheKeyIsNotKept() {
    Dataset<Row> input =
        asInput(spark.sql("SELECT 7L AS id, CAST(NULL AS ARRAY<FLOAT>) AS features, 'x' AS note"));
    TorchScorer scorer = mlp().option("input.shape", "10").keyColumn("id").keepColumns("note").build();

    assertThatThrownBy(() -> scorer.transform(input).collectAsList())
        .rootCause()
        .hasMessageStartingWith("Cannot score row 0 of partition 0 (id=7): null_features: column 'features' is null;");
  }

  @Test
  void theJobWritesOnlyTheKeptColumns() {
    String input = dir.resolve("in").toString();
    String output = dir.resolve("out").toString();
    fixtureTable("tutorial_mlp.jsonl", MLP).write().parquet(input);
    Map<String, String> conf = new HashMap<>();
    conf.put("spark.torchscore.model.path", fixture("tutorial_mlp.pt").toString());
    conf.put("spark.torchscore.features", "features");
    conf.put("spark.torchscore.output.columns", "id");
    conf.put("spark.torchscore.input.path", input);
    conf.put("spark.torchscore.output.path", output);

    new ScoreJob(spark, JobSettings.fromConf(conf)).run();

    Dataset<Row> written = spark.read().parquet(output);
    assertThat(written.columns()).containsExactly("id", "prediction");
    Map<Long, Float> expected = expectedById();
    for (Row row : written.collectAsList()) {
      assertThat(row.getFloat(1)).as("row %s", row.getLong(0)).isCloseTo(expected.get(row.getLong(0)), within(TOLERANCE));
    }
    assertThat(written.count()).isEqualTo(1000);
  }
}
