package io.torchscore.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.torchscore.SparkTestBase;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * Scoring is a step of the query plan: transform() starts no Spark job whatever the input's plan
 * (a shuffle under adaptive execution, a join), and the step is named in explain().
 */
class LazyPlanTest extends SparkTestBase {

  @Test
  void transformOfAShuffledAndJoinedInputRunsNoJobUntilAnAction() {
    assertThat(spark.conf().get("spark.sql.adaptive.enabled")).isEqualTo("true");
    Dataset<Row> table = fixtureTable("tutorial_mlp.jsonl", "id BIGINT, features ARRAY<FLOAT>, expected FLOAT");
    Dataset<Row> input = table.repartition(4).join(table.select("id").repartition(3, table.col("id")), "id");
    spark.sparkContext().setJobGroup("lazy", "transform without an action", false);
    try {
      Dataset<Row> scored =
          TorchScorer.builder()
              .modelPath(fixture("tutorial_mlp.pt").toString())
              .featuresCol("features")
              .option("input.shape", "10")
              .build()
              .transform(input);

      assertThat(spark.sparkContext().statusTracker().getJobIdsForGroup("lazy")).isEmpty();
      assertThat(scored.queryExecution().toString()).contains("MapPartitions torchscore(ModelRef{uri=file:");
      List<Row> rows = byId(scored);
      assertThat(spark.sparkContext().statusTracker().getJobIdsForGroup("lazy")).isNotEmpty();
      assertThat(rows).hasSize(1000);
      for (Row row : rows) {
        assertThat(row.<Float>getAs("prediction")).isCloseTo(row.<Float>getAs("expected"), within(1e-5f));
      }
    } finally {
      spark.sparkContext().clearJobGroup();
    }
  }
}
