package io.torchscore.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.torchscore.SparkTestBase;
import io.torchscore.TorchScoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Structured Streaming: a file-source stream scored and written with a checkpoint, stopped and
 * restarted between files, has every input row exactly once, with PyTorch's predictions.
 */
class StreamingTest extends SparkTestBase {

  private static final String DDL = "id BIGINT, features ARRAY<FLOAT>, expected FLOAT";

  @TempDir Path dir;

  @Test
  void aStreamRestartedFromItsCheckpointScoresEveryRowExactlyOnce() throws Exception {
    List<String> lines = Files.readAllLines(fixture("tutorial_mlp.jsonl"));
    Path in = Files.createDirectories(dir.resolve("in"));
    Files.write(in.resolve("part-0.json"), lines.subList(0, 400));

    run(in);
    Files.write(in.resolve("part-1.json"), lines.subList(400, 700));
    Files.write(in.resolve("part-2.json"), lines.subList(700, 1000));
    run(in);

    Dataset<Row> out = spark.read().parquet(dir.resolve("out").toString());
    assertThat(out.count()).isEqualTo(1000);
    assertThat(out.select("id").distinct().count()).isEqualTo(1000);
    for (Row row : out.collectAsList()) {
      assertThat(row.<Float>getAs("prediction")).isCloseTo(row.<Float>getAs("expected"), within(1e-5f));
    }
  }

  @Test
  void aStreamNeedsTheInputShape() {
    Dataset<Row> stream = spark.readStream().schema(StructType.fromDDL(DDL)).json(dir.toString());

    assertThatThrownBy(
            () -> TorchScorer.builder().modelPath(fixture("tutorial_mlp.pt").toString()).featuresCol("features").build().transform(stream))
        .isInstanceOf(TorchScoreException.class)
        .hasMessageContaining("Cannot score a stream: the length of feature column 'features' is unknown; set spark.torchscore.input.shape");
  }

  private void run(Path in) throws Exception {
    Dataset<Row> stream = spark.readStream().schema(StructType.fromDDL(DDL)).json(in.toString());
    Dataset<Row> scored =
        TorchScorer.builder()
            .modelPath(fixture("tutorial_mlp.pt").toString())
            .featuresCol("features")
            .option("input.shape", "10")
            .build()
            .transform(stream);
    // The checkpoint through the session, not DataStreamWriter.option: that method's return type
    // differs between Spark 3.5 and 4.0 in bytecode, and these tests run on both.
    spark.conf().set("spark.sql.streaming.checkpointLocation", dir.resolve("checkpoints").toString());
    try {
      StreamingQuery query =
          scored.writeStream().format("parquet").queryName("scores").trigger(Trigger.AvailableNow()).start(dir.resolve("out").toString());
      query.awaitTermination();
      assertThat(query.exception().isEmpty()).isTrue();
    } finally {
      spark.conf().unset("spark.sql.streaming.checkpointLocation");
    }
  }
}
