package io.torchscore.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code spark.torchscore.output.partition.by} with {@code output.mode=overwrite}: a re-run for
 * one date replaces that date's partition alone, and a failed re-run changes nothing.
 */
class PartitionedOutputTest {

  private static final String DAY_A = "2026-11-26";
  private static final String DAY_B = "2026-11-27";

  /** The session settings Delta Lake asks for. */
  private static final Map<String, String> DELTA =
      Map.of(
          "spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension",
          "spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");

  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  /**
   * Writes rows {@code from} (inclusive) to {@code to} (exclusive) of the tutorial fixture with a
   * {@code day} column; row {@code nullRow} (if >= 0) gets null features.
   */
  private Path input(String name, String day, int from, int to, int nullRow) throws IOException {
    List<String> fixture = Files.readAllLines(Paths.get("src/test/resources/fixtures/tutorial_mlp.jsonl"));
    List<String> lines = new ArrayList<>();
    for (int id = from; id < to; id++) {
      String line = id == nullRow ? "{\"id\": " + id + ", \"features\": null, \"expected\": 0}" : fixture.get(id);
      lines.add(line.substring(0, line.length() - 1) + ", \"day\": \"" + day + "\"}");
    }
    Path file = dir.resolve(name);
    Files.write(file, lines);
    return file;
  }

  private int run(Path input, String... conf) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--conf", "spark.master=local[2]",
                "--conf", "spark.ui.enabled=false",
                "--conf", "spark.sql.shuffle.partitions=2",
                "--conf", "spark.torchscore.model.path="
                    + Paths.get("src/test/resources/fixtures/tutorial_mlp.pt").toAbsolutePath(),
                "--conf", "spark.torchscore.input.path=" + input,
                "--conf", "spark.torchscore.input.format=json",
                "--conf", "spark.torchscore.input.shape=10",
                "--conf", "spark.torchscore.features=features",
                "--conf", "spark.torchscore.output.path=" + dir.resolve("scored"),
                "--conf", "spark.torchscore.output.mode=overwrite",
                "--conf", "spark.torchscore.output.partition.by=day",
                "--conf", "spark.torchscore.batch.size=8"));
    for (String entry : conf) {
      args.add("--conf");
      args.add(entry);
    }
    err.getBuffer().setLength(0);
    return new CommandLine(new ScoreCommand())
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .execute(args.toArray(String[]::new));
  }

  /** A session to read the output back with, after the job stopped its own. */
  private static SparkSession readerSession(boolean delta) {
    SparkSession.Builder builder =
        SparkSession.builder()
            .master("local[1]")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "1");
    if (delta) {
      DELTA.forEach(builder::config);
    }
    return builder.getOrCreate();
  }

  private Map<String, List<Long>> idsByDay() {
    return idsByDay("parquet");
  }

  /**
   * Reads the output back with Spark: each day's ids, checking every prediction against PyTorch's.
   */
  private Map<String, List<Long>> idsByDay(String format) {
    SparkSession spark = readerSession(format.equals("delta"));
    try {
      return checkedIdsByDay(spark.read().format(format).load(dir.resolve("scored").toString()));
    } finally {
      spark.stop();
    }
  }

  /**
   * Checks every scored row's prediction against PyTorch's ({@code expected}) and returns the
   * ids per {@code day} partition, in id order.
   */
  static Map<String, List<Long>> checkedIdsByDay(Dataset<Row> scored) {
    List<Row> rows =
        scored
            .selectExpr("CAST(day AS STRING) AS day", "id", "prediction", "CAST(expected AS FLOAT) AS expected")
            .orderBy("id")
            .collectAsList();
    for (Row row : rows) {
      assertThat(row.<Float>getAs("prediction"))
          .as("row %s", row.<Long>getAs("id"))
          .isCloseTo(row.<Float>getAs("expected"), within(1e-5f));
    }
    return rows.stream()
        .collect(
            Collectors.groupingBy(
                row -> row.<String>getAs("day"),
                TreeMap::new,
                Collectors.mapping(row -> row.<Long>getAs("id"), Collectors.toList())));
  }

  static List<Long> ids(int from, int to) {
    return Stream.iterate((long) from, id -> id + 1).limit(to - from).toList();
  }

  /** Names in the output folder and beside it: partitions, markers, any staging leftovers. */
  private List<String> listing() throws IOException {
    List<String> names = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      files.map(p -> p.getFileName().toString()).filter(n -> n.contains(".torchscore-")).forEach(names::add);
    }
    try (Stream<Path> files = Files.list(dir.resolve("scored"))) {
      files
          .map(p -> p.getFileName().toString())
          .filter(n -> !n.startsWith("."))
          .sorted()
          .forEach(names::add);
    }
    return names;
  }

  @Test
  void anOverwriteReRunForOneDayReplacesThatDayAloneAndAFailedReRunChangesNothing() throws IOException {
    assertThat(run(input("a.jsonl", DAY_A, 0, 20, -1))).as(err.toString()).isZero();
    assertThat(run(input("b.jsonl", DAY_B, 20, 40, -1))).as(err.toString()).isZero();
    assertThat(idsByDay()).isEqualTo(Map.of(DAY_A, ids(0, 20), DAY_B, ids(20, 40)));

    assertThat(run(input("b2.jsonl", DAY_B, 40, 55, -1))).as(err.toString()).isZero();

    assertThat(idsByDay()).isEqualTo(Map.of(DAY_A, ids(0, 20), DAY_B, ids(40, 55)));
    assertThat(listing()).containsExactly("_SUCCESS", "day=" + DAY_A, "day=" + DAY_B);

    int code = run(input("b3.jsonl", DAY_B, 60, 80, 65));

    assertThat(code).isEqualTo(ScoreCommand.EXIT_FAILED);
    assertThat(err.toString().lines()).hasSize(1);
    assertThat(err.toString()).startsWith("torchscore: Cannot score row 5 of partition 0: ");
    assertThat(idsByDay()).isEqualTo(Map.of(DAY_A, ids(0, 20), DAY_B, ids(40, 55)));
    assertThat(listing()).containsExactly("_SUCCESS", "day=" + DAY_A, "day=" + DAY_B);
  }

  @Test
  void aReRunOverBothDaysReplacesBoth() throws IOException {
    assertThat(run(input("a.jsonl", DAY_A, 0, 20, -1))).as(err.toString()).isZero();
    Path both = input("both.jsonl", DAY_B, 100, 110, -1);
    List<String> lines = new ArrayList<>(Files.readAllLines(both));
    lines.addAll(Files.readAllLines(input("a2.jsonl", DAY_A, 110, 115, -1)));
    Files.write(both, lines);

    assertThat(run(both)).as(err.toString()).isZero();

    assertThat(idsByDay()).isEqualTo(Map.of(DAY_A, ids(110, 115), DAY_B, ids(100, 110)));
  }

  @Test
  void aPartitionColumnTheOutputLacksExitsTwoNamingTheKeyAndColumnBeforeWriting() throws IOException {
    int code = run(input("a.jsonl", DAY_A, 0, 20, -1), "spark.torchscore.output.partition.by=day,hour");

    assertThat(code).isEqualTo(ScoreCommand.EXIT_BAD_INPUT);
    assertThat(err.toString().lines()).hasSize(1);
    assertThat(err.toString())
        .startsWith("torchscore: Cannot partition output " + dir.resolve("scored") + " by column 'hour': ")
        .contains("check spark.torchscore.output.partition.by");
    assertThat(dir.resolve("scored")).doesNotExist();
  }

  /** Returns the data files holding one day's rows of a Delta table. */
  private List<String> deltaFiles(String day) {
    SparkSession spark = readerSession(true);
    try {
      return spark
          .read()
          .format("delta")
          .load(dir.resolve("scored").toString())
          .where("CAST(day AS STRING) = '" + day + "'")
          .selectExpr("input_file_name()")
          .distinct()
          .collectAsList()
          .stream()
          .map(row -> row.getString(0))
          .sorted()
          .toList();
    } finally {
      spark.stop();
    }
  }

  @Test
  void aDeltaOverwriteReRunForOneDayReplacesThatDayAloneThroughDynamicPartitionOverwrite()
      throws IOException {
    assumeTrue(
        getClass().getClassLoader().getResource("io/delta/sql/DeltaSparkSessionExtension.class") != null,
        "Delta Lake 4.0 (Scala 2.13) is a test dependency on Spark 4.0 only");
    String[] delta =
        Stream.concat(
                Stream.of("spark.torchscore.output.format=delta"),
                DELTA.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()))
            .toArray(String[]::new);
    assertThat(run(input("a.jsonl", DAY_A, 0, 20, -1), delta)).as(err.toString()).isZero();
    assertThat(run(input("b.jsonl", DAY_B, 20, 40, -1), delta)).as(err.toString()).isZero();
    List<String> dayAFiles = deltaFiles(DAY_A);

    assertThat(run(input("b2.jsonl", DAY_B, 40, 55, -1), delta)).as(err.toString()).isZero();

    assertThat(idsByDay("delta")).isEqualTo(Map.of(DAY_A, ids(0, 20), DAY_B, ids(40, 55)));
    // Day A was not rewritten: the same files still hold its rows.
    assertThat(deltaFiles(DAY_A)).isEqualTo(dayAFiles);
  }
}
