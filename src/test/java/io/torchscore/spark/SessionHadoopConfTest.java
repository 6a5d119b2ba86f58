package io.torchscore.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.torchscore.SparkTestBase;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Hadoop settings a notebook sets on its session reach the model fetch, on the driver and executors. */
class SessionHadoopConfTest extends SparkTestBase {

  @AfterEach
  void unset() {
    spark.conf().unset("fs.sessionfs.impl");
    spark.conf().unset("fs.sessionfs.impl.disable.cache");
  }

  @Test
  void aFileSystemConfiguredOnlyOnTheSessionServesTheModel() {
    spark.conf().set("fs.sessionfs.impl", SessionFileSystem.class.getName());
    spark.conf().set("fs.sessionfs.impl.disable.cache", "true");
    Dataset<Row> input = fixtureTable("tutorial_mlp.jsonl", "id BIGINT, features ARRAY<FLOAT>, expected FLOAT");

    List<Row> rows =
        byId(
            io.torchscore.spark.TorchScorer.builder()
                .modelPath("sessionfs://" + fixture("tutorial_mlp.pt"))
                .featuresCol("features")
                .build()
                .transform(input));

    assertThat(spark.sparkContext().hadoopConfiguration().get("fs.sessionfs.impl")).isNull();
    assertThat(rows).hasSize(1000);
    for (Row row : rows) {
      assertThat(row.<Float>getAs("prediction")).isCloseTo(row.<Float>getAs("expected"), within(1e-5f));
    }
  }
}
