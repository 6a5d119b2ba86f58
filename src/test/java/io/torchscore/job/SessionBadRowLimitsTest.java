package io.torchscore.job;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.torchscore.SparkTestBase;
import io.torchscore.config.JobSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bad-row limits are read from the session, like every other setting: a notebook's {@code
 * spark.conf.set} of them counts although the context was started without them.
 */
class SessionBadRowLimitsTest extends SparkTestBase {

  @TempDir Path dir;

  @AfterEach
  void unset() {
    spark.conf().unset("spark.torchscore.max.bad.rows");
  }

  @Test
  void aLimitSetInTheSessionFailsTheJob() throws IOException {
    List<String> lines = new ArrayList<>(Files.readAllLines(fixture("tutorial_mlp.jsonl")).subList(0, 10));
    lines.set(3, "{\"id\": 3, \"features\": null, \"expected\": 0}");
    Path input = Files.write(dir.resolve("in.jsonl"), lines);
    spark.conf().set("spark.torchscore.max.bad.rows", "0");

    ScoreJob job =
        new ScoreJob(
            spark,
            JobSettings.fromConf(
                Map.of(
                    "spark.torchscore.model.path", fixture("tutorial_mlp.pt").toString(),
                    "spark.torchscore.features", "features",
                    "spark.torchscore.input.shape", "10",
                    "spark.torchscore.input.path", input.toString(),
                    "spark.torchscore.input.format", "json",
                    "spark.torchscore.on.error", "skip",
                    "spark.torchscore.output.path", dir.resolve("out").toString())));

    assertThatThrownBy(job::run)
        .isInstanceOf(RunFailedException.class)
        .hasMessageContaining("1 of 10 rows were bad (10.00%; null_features 1), past spark.torchscore.max.bad.rows=0")
        .hasMessageEndingWith("the output was not written; fix the input or raise the limit");
  }
}
