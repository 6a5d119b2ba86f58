package io.torchscore.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jobs/nightly}: one day of a date-partitioned table, scored idempotently, on embedded Spark. */
class NightlyScriptTest {

  @TempDir Path dir;

  private record Result(int code, String out, String err) {}

  private Result nightly(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("jobs/nightly"));
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectOutput(dir.resolve("out.txt").toFile())
            .redirectError(dir.resolve("err.txt").toFile());
    builder.environment().put("TORCHSCORE_CLASSPATH", System.getProperty("java.class.path"));
    builder.environment().put("TORCHSCORE_JAVA_OPTS", "-Xmx1g");
    builder.environment().remove("SPARK_HOME");
    Process process = builder.start();
    assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
    return new Result(
        process.exitValue(),
        Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8),
        Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8));
  }

  /** The model and features; the paths, day, mode and threshold are the script's. */
  private Path properties(String... extra) throws IOException {
    List<String> lines =
        new ArrayList<>(
            List.of(
                "spark.master=local[2]",
                "spark.ui.enabled=false",
                "spark.sql.shuffle.partitions=2",
                "spark.torchscore.model.path="
                    + Paths.get("src/test/resources/fixtures/tutorial_mlp.pt").toAbsolutePath(),
                "spark.torchscore.input.format=json",
                "spark.torchscore.input.shape=10",
                "spark.torchscore.features=features"));
    lines.addAll(List.of(extra));
    Path file = dir.resolve("nightly.properties");
    Files.write(file, lines);
    return file;
  }

  /** Writes rows [from, to) of the tutorial fixture as the events of one day; {@code nulls} rows get null features. */
  private void events(String day, int from, int to, int nulls) throws IOException {
    List<String> fixture = Files.readAllLines(Paths.get("src/test/resources/fixtures/tutorial_mlp.jsonl"));
    List<String> lines = new ArrayList<>();
    for (int id = from; id < to; id++) {
      lines.add(id - from < nulls ? "{\"id\": " + id + ", \"features\": null, \"expected\": 0}" : fixture.get(id));
    }
    Path folder = dir.resolve("events").resolve("day=" + day);
    Files.createDirectories(folder);
    Files.write(folder.resolve("part-0.json"), lines);
  }

  /** Reads the scored table back: each day's ids, every prediction checked against PyTorch's. */
  private Map<String, List<Long>> scoredIdsByDay() {
    SparkSession spark =
        SparkSession.builder().master("local[1]").config("spark.ui.enabled", "false").getOrCreate();
    try {
      return PartitionedOutputTest.checkedIdsByDay(spark.read().parquet(dir.resolve("scores").toString()));
    } finally {
      spark.stop();
    }
  }

  private static List<Long> ids(int from, int to) {
    return PartitionedOutputTest.ids(from, to);
  }

  private String[] args(String day, Path properties) {
    return new String[] {
      "--input", dir.resolve("events").toString(),
      "--output", dir.resolve("scores").toString(),
      "--properties-file", properties.toString(),
      day
    };
  }

  @Test
  void runningOneDayTwiceLeavesItOnceAndAnotherDayIsAddedBesideIt() throws Exception {
    events("2026-11-26", 0, 20, 0);
    events("2026-11-27", 20, 40, 0);
    Path properties = properties();

    Result first = nightly(args("2026-11-27", properties));
    Result again = nightly(args("2026-11-27", properties));

    assertThat(first.code()).as(first.err()).isZero();
    assertThat(again.code()).as(again.err()).isZero();
    assertThat(scoredIdsByDay()).isEqualTo(Map.of("2026-11-27", ids(20, 40)));
    assertThat(Files.readString(dir.resolve("scores-reports/day=2026-11-27.json")))
        .contains("\"rows_scored\" : 20");

    Result other = nightly(args("2026-11-26", properties));

    assertThat(other.code()).as(other.err()).isZero();
    assertThat(scoredIdsByDay()).isEqualTo(Map.of("2026-11-26", ids(0, 20), "2026-11-27", ids(20, 40)));
  }

  @Test
  void moreBadRowsThanTheThresholdExitsOneAndLeavesTheDayAsItWas() throws Exception {
    events("2026-11-27", 20, 40, 0);
    Path properties = properties("spark.torchscore.on.error=null");
    assertThat(nightly(args("2026-11-27", properties)).code()).isZero();
    events("2026-11-27", 40, 60, 2);

    String[] args = args("2026-11-27", properties);
    List<String> withThreshold = new ArrayList<>(List.of(args));
    withThreshold.addAll(List.of("--max-bad-fraction", "0.05"));
    Result result = nightly(withThreshold.toArray(String[]::new));

    assertThat(result.code()).isEqualTo(ScoreCommand.EXIT_FAILED);
    assertThat(result.err())
        .contains("torchscore: Cannot commit the output: ")
        .contains("2 of 20 rows were bad (10.00%; null_features 2), past spark.torchscore.max.bad.fraction=0.05");
    assertThat(scoredIdsByDay()).isEqualTo(Map.of("2026-11-27", ids(20, 40)));
  }

  @Test
  void aDayWithNoDataExitsTwoWithOneLineNamingTheDay() throws Exception {
    events("2026-11-30", 0, 20, 0);

    Result result = nightly(args("2026-12-01", properties()));

    assertThat(result.code()).isEqualTo(2);
    assertThat(result.err())
        .isEqualTo(
            "nightly: no data for 2026-12-01 under " + dir.resolve("events")
                + " (no folder day=2026-12-01): nothing was scored\n");
    assertThat(dir.resolve("scores")).doesNotExist();
  }

  @Test
  void aMissingDayOfAFileUriInputIsNamedTheSameWay() throws Exception {
    events("2026-11-30", 0, 20, 0);

    Result result =
        nightly("--input", dir.resolve("events").toUri().toString(), "--output", dir.resolve("scores").toString(), "2026-12-01");

    assertThat(result.code()).isEqualTo(2);
    assertThat(result.err()).startsWith("nightly: no data for 2026-12-01 under file:").hasLineCount(1);
  }

  @Test
  void aDayThatIsNotADateExitsTwo() throws Exception {
    Result result =
        nightly("--input", dir.resolve("events").toString(), "--output", dir.resolve("scores").toString(), "2026-02-30");

    assertThat(result.code()).isEqualTo(2);
    assertThat(result.err()).isEqualTo("nightly: Invalid day 2026-02-30: expected a date as YYYY-MM-DD\n");
  }
}
