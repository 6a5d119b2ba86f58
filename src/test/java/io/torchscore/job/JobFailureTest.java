package io.torchscore.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.apache.hadoop.util.VersionInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** What the job does when something fails while it runs: exit code, one line, output left. */
class JobFailureTest {

  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  /** Writes the first {@code rows} rows of the tutorial fixture, row {@code nullRow} (if >= 0) with null features. */
  private Path input(String name, int rows, int nullRow) throws IOException {
    List<String> lines =
        new ArrayList<>(
            Files.readAllLines(Paths.get("src/test/resources/fixtures/tutorial_mlp.jsonl"))
                .subList(0, rows));
    if (nullRow >= 0) {
      lines.set(nullRow, "{\"id\": " + nullRow + ", \"features\": null, \"expected\": 0}");
    }
    Path file = dir.resolve(name);
    Files.write(file, lines);
    return file;
  }

  private Path properties(Path input, String... lines) throws IOException {
    List<String> all =
        new ArrayList<>(
            List.of(
                "spark.master=local[2]",
                "spark.ui.enabled=false",
                "spark.torchscore.model.path="
                    + Paths.get("src/test/resources/fixtures/tutorial_mlp.pt").toAbsolutePath(),
                "spark.torchscore.input.path=" + input,
                "spark.torchscore.input.format=json",
                "spark.torchscore.input.shape=10",
                "spark.torchscore.features=features",
                "spark.torchscore.output.path=" + dir.resolve("scored"),
                "spark.torchscore.batch.size=8"));
    all.addAll(List.of(lines));
    Path file = dir.resolve("job.properties");
    Files.write(file, all);
    return file;
  }

  private int run(Path properties, String... conf) {
    List<String> args = new ArrayList<>(List.of("--properties-file", properties.toString()));
    for (String entry : conf) {
      args.add("--conf");
      args.add(entry);
    }
    return new CommandLine(new ScoreCommand())
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .execute(args.toArray(String[]::new));
  }

  private List<String> errLines() {
    return err.toString().lines().toList();
  }

  @Test
  void aBadRowUnderFailExitsOneWithOneLineNamingTheRowColumnAndFix() throws IOException {
    int code = run(properties(input("bad.jsonl", 20, 7)));

    assertThat(code).isEqualTo(ScoreCommand.EXIT_FAILED);
    assertThat(errLines()).hasSize(1);
    assertThat(errLines().get(0))
        .startsWith("torchscore: Cannot score row 7 of partition 0: ")
        .contains("column 'features'")
        .endsWith("fix the input or set spark.torchscore.on.error=skip or null");
    assertThat(out.toString()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"spark.torchscore.model.path", "spark.torchscore.input.path"})
  void anS3aPathWithoutHadoopAwsExitsTwoSayingWhichJarToAdd(String key) throws IOException {
    int code = run(properties(input("good.jsonl", 20, -1)), key + "=s3a://bucket/data/m.pt");

    assertThat(code).isEqualTo(ScoreCommand.EXIT_BAD_INPUT);
    assertThat(errLines()).hasSize(1);
    assertThat(errLines().get(0))
        .startsWith("torchscore: Cannot use " + key + "=s3a://bucket/data/m.pt: no Hadoop FileSystem for s3a://")
        .contains("add org.apache.hadoop:hadoop-aws:" + VersionInfo.getVersion());
  }

  @Test
  void aCacheFolderOthersCanWriteExitsTwoWithOneLineBeforeAnythingIsWrittenThere() throws IOException {
    Path shared = Files.createDirectory(dir.resolve("shared-cache"));
    Files.setPosixFilePermissions(shared, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));

    int code = run(properties(input("good.jsonl", 20, -1)), "spark.torchscore.cache.dir=" + shared);

    assertThat(code).isEqualTo(ScoreCommand.EXIT_BAD_INPUT);
    assertThat(errLines()).hasSize(1);
    assertThat(errLines().get(0))
        .startsWith("torchscore: Cannot use cache folder " + shared + ": it is owned by ")
        .contains("with mode rwxrwxrwx")
        .endsWith("set spark.torchscore.cache.dir to a folder of your own (mkdir -m 700)");
    try (Stream<Path> files = Files.list(shared)) {
      assertThat(files).isEmpty();
    }
    assertThat(dir.resolve("scored")).doesNotExist();
  }

  /** Returns the output's (id, prediction) pairs, read back with Spark. */
  private List<String> output(Path folder) {
    SparkSession spark =
        SparkSession.builder().master("local[1]").config("spark.ui.enabled", "false").getOrCreate();
    try {
      return spark.read().parquet(folder.toString()).orderBy("id").collectAsList().stream()
          .map(row -> row.getAs("id") + "=" + row.getAs("prediction"))
          .toList();
    } finally {
      spark.stop();
    }
  }

  private List<String> leftovers() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.contains(".torchscore-")).toList();
    }
  }

  @Test
  void anOverwriteThatFailsLeavesThePreviousOutputAndAnAppendAddsToIt() throws IOException {
    Path good = input("good.jsonl", 20, -1);
    assertThat(run(properties(good, "spark.torchscore.output.mode=overwrite"))).as(err.toString()).isZero();
    List<String> first = output(dir.resolve("scored"));
    assertThat(first).hasSize(20);

    err.getBuffer().setLength(0);
    int code = run(properties(input("bad.jsonl", 20, 7), "spark.torchscore.output.mode=overwrite"));

    assertThat(code).isEqualTo(ScoreCommand.EXIT_FAILED);
    assertThat(errLines()).hasSize(1);
    assertThat(output(dir.resolve("scored"))).isEqualTo(first);
    assertThat(leftovers()).isEmpty();

    assertThat(run(properties(good, "spark.torchscore.output.mode=append"))).as(err.toString()).isZero();
    List<String> twice = new ArrayList<>(first);
    twice.addAll(first);
    twice.sort(Comparator.comparing((String pair) -> Long.parseLong(pair.substring(0, pair.indexOf('=')))));
    assertThat(output(dir.resolve("scored"))).isEqualTo(twice);
    assertThat(leftovers()).isEmpty();
  }

  static Stream<Arguments> limits() {
    return Stream.of(
        Arguments.of(
            "spark.torchscore.max.bad.fraction=0.05",
            "2 of 20 rows were bad (10.00%; null_features 1, wrong_shape 1),"
                + " past spark.torchscore.max.bad.fraction=0.05"),
        Arguments.of(
            "spark.torchscore.max.bad.rows=1",
            "2 of 20 rows were bad (10.00%; null_features 1, wrong_shape 1),"
                + " past spark.torchscore.max.bad.rows=1"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("limits")
  void pastABadRowLimitTheJobFailsGivingCountsByReasonAndWritesNothing(String limit, String message)
      throws IOException {
    Path input = input("bad.jsonl", 20, 7);
    List<String> lines = new ArrayList<>(Files.readAllLines(input));
    lines.set(11, "{\"id\": 11, \"features\": [1.0, 2.0], \"expected\": 0}");
    Files.write(input, lines);

    int code =
        run(
            properties(
                input,
                "spark.torchscore.on.error=skip",
                "spark.torchscore.rejects.path=" + dir.resolve("rejects"),
                "spark.torchscore.rejects.format=json",
                limit));

    assertThat(code).isEqualTo(ScoreCommand.EXIT_FAILED);
    assertThat(errLines()).hasSize(1);
    assertThat(errLines().get(0)).startsWith("torchscore: Cannot commit the output: ").contains(message);
    assertThat(dir.resolve("scored")).doesNotExist();
    assertThat(dir.resolve("rejects")).doesNotExist();
    assertThat(leftovers()).isEmpty();
  }

  /** Counts the attempts of each task, per (stage, partition), from Spark's listener bus. */
  public static final class TaskAttempts extends SparkListener {

    static final Map<String, Integer> STARTS = new ConcurrentHashMap<>();

    @Override
    public void onTaskStart(SparkListenerTaskStart start) {
      STARTS.merge(start.stageId() + "/" + start.taskInfo().index(), 1, Integer::sum);
    }
  }

  @Test
  void aBadRowUnderFailEndsTheJobAfterOneAttemptThoughSparkMayTryFourTimes() throws IOException {
    TaskAttempts.STARTS.clear();

    int code =
        run(
            properties(input("bad.jsonl", 20, 7)),
            "spark.master=local[2,4]",
            "spark.extraListeners=" + TaskAttempts.class.getName());

    assertThat(code).isEqualTo(ScoreCommand.EXIT_FAILED);
    assertThat(errLines()).hasSize(1);
    assertThat(errLines().get(0)).startsWith("torchscore: Cannot score row 7 of partition 0: ");
    // stop() drained the listener bus: every task's start has been seen.
    assertThat(TaskAttempts.STARTS).isNotEmpty();
    assertThat(TaskAttempts.STARTS.values()).containsOnly(1);
  }

  @Test
  void onSeparateExecutorJvmsTooABadRowEndsTheJobAfterOneAttempt() throws IOException {
    // A Spark "distribution" for local-cluster: a RELEASE file and a jars folder; the executors
    // take their classpath from spark.executor.extraClassPath.
    Path home = Paths.get(System.getenv("SPARK_HOME"));
    Files.createDirectories(home.resolve("jars"));
    if (!Files.exists(home.resolve("RELEASE"))) {
      Files.createFile(home.resolve("RELEASE"));
    }
    TaskAttempts.STARTS.clear();

    int code =
        run(
            properties(input("bad.jsonl", 20, 7)),
            "spark.master=local-cluster[2,1,1024]",
            "spark.executor.extraClassPath=" + System.getProperty("java.class.path"),
            "spark.executor.extraJavaOptions=" + System.getProperty("torchscore.test.javaOpens"),
            "spark.extraListeners=" + TaskAttempts.class.getName());

    assertThat(code).isEqualTo(ScoreCommand.EXIT_FAILED);
    assertThat(errLines()).hasSize(1);
    assertThat(errLines().get(0)).startsWith("torchscore: Cannot score row 7 of partition 0: ");
    assertThat(TaskAttempts.STARTS).isNotEmpty();
    assertThat(TaskAttempts.STARTS.values()).containsOnly(1);
  }
}
