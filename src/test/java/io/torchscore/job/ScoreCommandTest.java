package io.torchscore.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** The job's entry point, run in-process with a properties file and --conf overrides. */
class ScoreCommandTest {

  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private static String fixture(String name) {
    return Paths.get("src/test/resources/fixtures", name).toAbsolutePath().toString();
  }

  private Path properties(String... lines) throws IOException {
    List<String> all = new ArrayList<>(List.of(
        "spark.master=local[2]",
        "spark.ui.enabled=false",
        "spark.torchscore.model.path=" + fixture("tutorial_mlp.pt"),
        "spark.torchscore.input.path=" + fixture("tutorial_mlp.jsonl"),
        "spark.torchscore.input.format=json",
        "spark.torchscore.features=features",
        "spark.torchscore.output.path=" + dir.resolve("scored"),
        "spark.torchscore.batch.size=100"));
    all.addAll(List.of(lines));
    Path file = dir.resolve("job.properties");
    Files.write(file, all);
    return file;
  }

  private int run(String... args) {
    return new CommandLine(new ScoreCommand())
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .execute(args);
  }

  @Test
  void scoresTheInputAndWritesOutputAndReport() throws IOException {
    Path report = dir.resolve("report.json");
    int code =
        run(
            "--properties-file", properties().toString(),
            "--conf", "spark.torchscore.report.path=" + report,
            "--conf", "spark.torchscore.prediction.column=score");

    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString()).contains("Scored 1,000 rows in").contains(dir.resolve("scored").toString());
    JsonNode json = new ObjectMapper().readTree(report.toFile());
    assertThat(json.get("rows_scored").asLong()).isEqualTo(1000);
    assertThat(json.get("batch_size").asInt()).isEqualTo(100);
    assertThat(json.get("batches").asLong()).isGreaterThanOrEqualTo(10);
    assertThat(json.get("rows_per_s").asDouble()).isPositive();
    // The scoring stage ran within the run, which also started Spark and read the settings.
    double scoringSeconds = json.get("scoring_seconds").asDouble();
    assertThat(scoringSeconds).isPositive().isLessThan(json.get("seconds").asDouble());
    assertThat(json.get("scoring_rows_per_s").asDouble()).isCloseTo(1000 / scoringSeconds, within(1e-6));
    // No GPU here: every task scored on the CPU, and no batch ran out of memory.
    assertThat(json.get("tasks_by_device").fieldNames()).toIterable().containsExactly("cpu");
    assertThat(json.get("tasks_by_device").get("cpu").asLong()).isPositive();
    assertThat(json.get("out_of_memory_splits").asLong()).isZero();

    SparkSession spark = SparkSession.builder().master("local[1]").config("spark.ui.enabled", "false").getOrCreate();
    try {
      List<Row> rows = spark.read().parquet(dir.resolve("scored").toString()).collectAsList();
      assertThat(rows).hasSize(1000);
      for (Row row : rows) {
        assertThat(row.<Float>getAs("score"))
            .isCloseTo(((Number) row.getAs("expected")).floatValue(), within(1e-5f));
      }
    } finally {
      spark.stop();
    }
  }

  @Test
  void skippedRowsGoToTheRejectsWithTheirReasonAndAreCountedInTheReport() throws IOException {
    Path input = dir.resolve("input.jsonl");
    List<String> lines = new ArrayList<>(Files.readAllLines(Paths.get(fixture("tutorial_mlp.jsonl"))).subList(0, 20));
    lines.set(2, "{\"id\": 2, \"features\": null, \"expected\": 0}");
    lines.set(5, "{\"id\": 5, \"features\": [1.0, 2.0], \"expected\": 0}");
    lines.set(9, "{\"id\": 9, \"features\": [1, 2, 3, 4, 5, 6, 7, 8, 9, null], \"expected\": 0}");
    Files.write(input, lines);
    Path report = dir.resolve("report.json");

    int code =
        run(
            "--properties-file", properties(
                "spark.torchscore.input.path=" + input,
                "spark.torchscore.input.shape=10",
                "spark.torchscore.on.error=skip",
                "spark.torchscore.rejects.path=" + dir.resolve("rejects"),
                "spark.torchscore.rejects.format=json",
                "spark.torchscore.report.path=" + report).toString());

    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains("Scored 17 rows")
        .contains("Bad rows: 0 nulled, 3 skipped; null_features 1 null_element 1 wrong_shape 1")
        .contains("Rejects: " + dir.resolve("rejects"));
    JsonNode json = new ObjectMapper().readTree(report.toFile());
    assertThat(json.get("rows_scored").asLong()).isEqualTo(17);
    assertThat(json.get("rows_skipped").asLong()).isEqualTo(3);
    assertThat(json.get("bad_rows_by_reason").get("wrong_shape").asLong()).isEqualTo(1);
    SparkSession spark = SparkSession.builder().master("local[1]").config("spark.ui.enabled", "false").getOrCreate();
    try {
      assertThat(spark.read().parquet(dir.resolve("scored").toString()).count()).isEqualTo(17);
      List<Row> rejects = spark.read().json(dir.resolve("rejects").toString()).orderBy("id").collectAsList();
      assertThat(rejects).extracting(r -> r.<Long>getAs("id")).containsExactly(2L, 5L, 9L);
      assertThat(rejects.get(1).<String>getAs("_error"))
          .isEqualTo("wrong_shape: column 'features' has 2 values; the model input takes 10");
    } finally {
      spark.stop();
    }
  }

  @Test
  void existingOutputFailsUnlessTheModeSaysOtherwise() throws IOException {
    Files.createDirectories(dir.resolve("scored"));
    Files.writeString(dir.resolve("scored/old.txt"), "x");

    assertThat(run("--properties-file", properties().toString())).isEqualTo(2);
    assertThat(err.toString()).contains("Cannot write output").contains("spark.torchscore.output.mode");

    assertThat(run("--properties-file", properties("spark.torchscore.output.mode=overwrite").toString()))
        .isZero();
  }

  static Stream<Arguments> badSettings() {
    return Stream.of(
        Arguments.of(
            "spark.torchscore.model.path=/no/such/model.pt",
            "Cannot load model: /no/such/model.pt does not exist or is not a file; set spark.torchscore.model.path"),
        Arguments.of(
            "spark.torchscore.features=pixels",
            "feature column 'pixels' (spark.torchscore.features) is not in the input"),
        Arguments.of(
            "spark.torchscore.features=id,expected,features",
            "feature column 'features' is array<double>; expected a numeric column"),
        Arguments.of(
            "spark.torchscore.input.path=/no/such/table",
            "Cannot read input: /no/such/table does not exist; set spark.torchscore.input.path to an existing file or folder"),
        Arguments.of(
            "spark.torchscore.batch.size=-5",
            "Invalid spark.torchscore.batch.size=-5: expected a whole number > 0"),
        Arguments.of(
            "spark.torchscore.on.error=ignore",
            "Invalid spark.torchscore.on.error=ignore: expected one of fail, skip, null"),
        Arguments.of(
            "spark.torchscore.max.bad.fraction=2",
            "Invalid spark.torchscore.max.bad.fraction=2: expected a number from 0 to 1 (1: no limit)"),
        Arguments.of(
            "spark.torchscore.max.bad.rows=many",
            "Invalid spark.torchscore.max.bad.rows=many: expected a whole number >= 0 (-1: no limit)"),
        Arguments.of(
            "spark.torchscore.rejects.path=/tmp/rejects",
            "Invalid spark.torchscore.rejects.path: rejects are the rows spark.torchscore.on.error=skip leaves out"),
        Arguments.of(
            "spark.torchscore.features=id,expected",
            "the model rejected a sample batch of 1 input (input 0 from columns id,expected:"
                + " float32 [2, 2]); it raised: RuntimeError: mat1 and mat2 shapes cannot be"
                + " multiplied (2x2 and 10x5)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badSettings")
  void eachBadSettingExitsTwoWithOneClearLine(String setting, String message) throws IOException {
    int code = run("--properties-file", properties(setting).toString());

    assertThat(code).isEqualTo(ScoreCommand.EXIT_BAD_INPUT);
    assertThat(err.toString()).contains("torchscore: ").contains(message);
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void aSessionTheJobDidNotCreateIsLeftRunning() throws IOException {
    // As in a Databricks JAR task: the cluster's session exists before the job starts.
    SparkSession spark = SparkSession.builder().master("local[1]").config("spark.ui.enabled", "false").getOrCreate();
    try {
      assertThat(run("--properties-file", properties().toString())).as(err.toString()).isZero();
      assertThat(out.toString()).contains("Scored 1,000 rows");
      assertThat(spark.sparkContext().isStopped()).isFalse();
    } finally {
      spark.stop();
    }
  }

  @Test
  void executorsReportRunningTasksCountsEverySecondUnlessTheUserChoseAnInterval() {
    SparkConf chosenByTheJob = ScoreCommand.sparkConf(Map.of());
    // 600 failed heartbeats of 1 s: Spark's 10 minutes (60 of 10 s) before an executor gives up.
    assertThat(chosenByTheJob.get("spark.executor.heartbeatInterval")).isEqualTo("1s");
    assertThat(chosenByTheJob.get("spark.executor.heartbeat.maxFailures")).isEqualTo("600");

    SparkConf chosenByTheUser = ScoreCommand.sparkConf(Map.of("spark.executor.heartbeatInterval", "5s"));
    assertThat(chosenByTheUser.get("spark.executor.heartbeatInterval")).isEqualTo("5s");
    assertThat(chosenByTheUser.contains("spark.executor.heartbeat.maxFailures")).isFalse();

    SparkConf patienceChosen = ScoreCommand.sparkConf(Map.of("spark.executor.heartbeat.maxFailures", "30"));
    assertThat(patienceChosen.get("spark.executor.heartbeatInterval")).isEqualTo("1s");
    assertThat(patienceChosen.get("spark.executor.heartbeat.maxFailures")).isEqualTo("30");
  }

  @Test
  void executorsTheJobLaunchesGetAFixedMmapThresholdAndTwoMallocArenasUnlessTheUserChose() {
    SparkConf cluster = ScoreCommand.sparkConf(Map.of("spark.master", "spark://host:7077"));
    // The benchmark's settings (jobs/bench): one arena that keeps what is freed for reuse.
    assertThat(cluster.get("spark.executorEnv.MALLOC_ARENA_MAX")).isEqualTo("1");
    assertThat(cluster.get("spark.executorEnv.MALLOC_MMAP_THRESHOLD_")).isEqualTo("4294967296");
    assertThat(cluster.get("spark.executorEnv.MALLOC_TRIM_THRESHOLD_")).isEqualTo("68719476736");

    SparkConf chosen =
        ScoreCommand.sparkConf(Map.of("spark.master", "spark://host:7077", "spark.executorEnv.MALLOC_ARENA_MAX", "4"));
    assertThat(chosen.get("spark.executorEnv.MALLOC_ARENA_MAX")).isEqualTo("4");

    // In local mode the executor is the driver's JVM, started before the job could set anything.
    assertThat(ScoreCommand.sparkConf(Map.of("spark.master", "local[2]")).contains("spark.executorEnv.MALLOC_ARENA_MAX"))
        .isFalse();
  }

  @Test
  void aMissingPropertiesFileIsNamed() {
    assertThat(run("--properties-file", dir.resolve("nope.properties").toString())).isEqualTo(2);
    assertThat(err.toString()).contains("Cannot read --properties-file").contains("nope.properties");
  }

  @Test
  void aMissingRequiredSettingIsNamed() throws IOException {
    Path file = dir.resolve("empty.properties");
    Files.write(file, List.of("spark.master=local[1]", "spark.ui.enabled=false"));

    assertThat(run("--properties-file", file.toString())).isEqualTo(2);
    assertThat(err.toString())
        .contains("Missing setting spark.torchscore.model.path: expected the path of a TorchScript file");
  }
}
