package io.torchscore.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.torchscore.SparkTestBase;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scoring step reads columnar batches where the input's scan gives them (Parquet, ORC, a
 * cached table) and rows elsewhere, says which in {@code explain()}, and predicts PyTorch's
 * outputs on both.
 */
class ColumnarPathTest extends SparkTestBase {

  private static final float TOLERANCE = 1e-5f;

  @TempDir Path dir;

  private Dataset<Row> mlpTable() {
    return fixtureTable("tutorial_mlp.jsonl", "id BIGINT, features ARRAY<FLOAT>, expected FLOAT");
  }

  private static TorchScorer.Builder mlp() {
    return TorchScorer.builder().modelPath(fixture("tutorial_mlp.pt").toString()).featuresCol("features").batchSize(64);
  }

  private static String plan(Dataset<Row> scored) {
    return scored.queryExecution().executedPlan().toString();
  }

  private static void assertMatchesPyTorch(Dataset<Row> scored, int rows) {
    List<Row> byId = byId(scored);
    assertThat(byId).hasSize(rows);
    for (Row row : byId) {
      assertThat(row.<Float>getAs("prediction"))
          .as("row %s", row.<Long>getAs("id"))
          .isCloseTo(row.<Float>getAs("expected"), within(TOLERANCE));
    }
  }

  @Test
  void parquetIsScoredColumnarAndMatchesPyTorch() {
    String path = dir.resolve("mlp.parquet").toString();
    mlpTable().repartition(3).write().parquet(path);
    Dataset<Row> scored = mlp().build().transform(spark.read().parquet(path));

    assertThat(plan(scored)).contains("torchscore (columnar)");
    assertThat(scored.columns()).containsExactly("id", "features", "expected", "prediction");
    assertMatchesPyTorch(scored, 1000);
  }

  @Test
  void orcIsScoredColumnar() {
    String path = dir.resolve("mlp.orc").toString();
    mlpTable().write().orc(path);
    Dataset<Row> orc = mlp().build().transform(spark.read().orc(path));

    assertThat(plan(orc)).contains("torchscore (columnar)");
    assertMatchesPyTorch(orc, 1000);
  }

  @Test
  void aCachedTableOfNumberColumnsIsScoredColumnar() {
    // Spark's cache gives batches for columns of atomic types only: arrays come out as rows.
    Dataset<Row> cached =
        fixtureTable("columns_model.jsonl", "id BIGINT, a INT, b BIGINT, c FLOAT, d DOUBLE, expected FLOAT").cache();
    try {
      Dataset<Row> scored =
          TorchScorer.builder()
              .modelPath(fixture("columns_model.pt").toString())
              .featuresCols("a", "b", "c", "d")
              .batchSize(16)
              .build()
              .transform(cached);

      assertThat(plan(scored)).contains("torchscore (columnar)");
      assertMatchesPyTorch(scored, 200);
    } finally {
      cached.unpersist();
    }
  }

  @Test
  void aStreamOfParquetFilesIsScoredColumnarBatchByBatch() throws Exception {
    Path in = dir.resolve("stream-in");
    mlpTable().repartition(2).write().parquet(in.toString());
    Dataset<Row> stream = spark.readStream().schema(mlpTable().schema()).parquet(in.toString());
    Dataset<Row> scored = mlp().option("input.shape", "10").build().transform(stream);
    // The checkpoint through the session: DataStreamWriter.option's return type differs in bytecode
    // between Spark 3.5 and 4.0.
    spark.conf().set("spark.sql.streaming.checkpointLocation", dir.resolve("checkpoints").toString());
    StreamingQuery query;
    try {
      query =
          scored.writeStream().format("parquet").trigger(Trigger.AvailableNow()).start(dir.resolve("stream-out").toString());
      query.awaitTermination();
    } finally {
      spark.conf().unset("spark.sql.streaming.checkpointLocation");
    }

    assertThat(query.exception().isEmpty()).isTrue();
    assertThat(lastPlan(query)).contains("torchscore (columnar)");
    assertMatchesPyTorch(spark.read().parquet(dir.resolve("stream-out").toString()), 1000);
  }

  /** The last micro-batch's physical plan, by name: Spark 4.1 moved the streaming classes. */
  private static String lastPlan(StreamingQuery query) throws ReflectiveOperationException {
    Object execution = query.getClass().getMethod("streamingQuery").invoke(query);
    Object lastExecution = execution.getClass().getMethod("lastExecution").invoke(execution);
    return lastExecution.getClass().getMethod("executedPlan").invoke(lastExecution).toString();
  }

  @Test
  void jsonIsScoredAsRows() {
    Dataset<Row> scored = mlp().build().transform(mlpTable());

    assertThat(plan(scored)).contains("torchscore").doesNotContain("columnar");
    assertMatchesPyTorch(scored, 1000);
  }

  @Test
  void columnarFalseScoresRowsOnEveryInput() {
    String path = dir.resolve("off.parquet").toString();
    mlpTable().write().parquet(path);
    Dataset<Row> scored = mlp().option("columnar", "false").build().transform(spark.read().parquet(path));

    assertThat(plan(scored)).contains("torchscore").doesNotContain("columnar");
    assertMatchesPyTorch(scored, 1000);
  }

  @Test
  void keptColumnsOnTheColumnarPathAreTheKeptOnes() {
    String path = dir.resolve("kept.parquet").toString();
    mlpTable().write().parquet(path);
    Dataset<Row> scored =
        mlp().option("output.columns", "id,expected").build().transform(spark.read().parquet(path));

    assertThat(plan(scored)).contains("torchscore (columnar)");
    assertThat(scored.columns()).containsExactly("id", "expected", "prediction");
    assertMatchesPyTorch(scored, 1000);
  }

  @Test
  void aPartitionedTableIsReadWithoutItsUnusedColumnsAndStaysColumnar() {
    String path = dir.resolve("parts.parquet").toString();
    mlpTable().selectExpr("*", "id % 2 AS part").write().partitionBy("part").parquet(path);
    Dataset<Row> scored = mlp().keepColumns("id").build().transform(spark.read().parquet(path));

    assertThat(plan(scored)).contains("torchscore (columnar)").contains("ReadSchema: struct<id:bigint,features:array<float>>");
    assertThat(scored.columns()).containsExactly("id", "prediction");
    assertThat(scored.count()).isEqualTo(1000);
  }

  @Test
  void aScanThatGivesRowsAfterAllIsScoredAsRows() {
    String path = dir.resolve("rows.parquet").toString();
    mlpTable().write().parquet(path);
    spark.conf().set("spark.sql.parquet.enableVectorizedReader", "false");
    try {
      Dataset<Row> scored = mlp().build().transform(spark.read().parquet(path));
      assertThat(plan(scored)).contains("torchscore (rows)").doesNotContain("columnar");
      assertMatchesPyTorch(scored, 1000);
    } finally {
      spark.conf().unset("spark.sql.parquet.enableVectorizedReader");
    }
  }
}
