package io.torchscore.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.torchscore.SparkTestBase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jobs/score} on a terminal: run in a tmux pane (a pseudo-terminal), its screen read back
 * with {@code tmux capture-pane}.
 */
class ProgressBarTerminalTest extends SparkTestBase {

  private static final int COLUMNS = 150;

  @TempDir Path dir;

  private final String socket = "torchscore-test-" + UUID.randomUUID();

  private String tmux(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("tmux", "-L", socket));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(1, TimeUnit.MINUTES)).isTrue();
    return output;
  }

  @AfterEach
  void stopTmux() throws IOException, InterruptedException {
    tmux("kill-server");
  }

  /**
   * Runs {@code jobs/score} over a Parquet input in a tmux pane and returns its screens, read every
   * 200 ms until the job exited.
   */
  private List<String> scoreInPane(Path input, String master, int batchSize) throws IOException, InterruptedException {
    Path script = dir.resolve("run.sh");
    Files.writeString(dir.resolve("classpath.txt"), System.getProperty("java.class.path"));
    Files.write(
        script,
        List.of(
            "cd " + Path.of("").toAbsolutePath(),
            "unset SPARK_HOME",
            "export TORCHSCORE_CLASSPATH=\"$(cat " + dir.resolve("classpath.txt") + ")\" TORCHSCORE_JAVA_OPTS=-Xmx1g",
            "jobs/score --master '" + master + "' --conf spark.ui.enabled=false"
                + " --conf spark.torchscore.model.path=" + fixture("tutorial_mlp.pt")
                + " --conf spark.torchscore.features=features"
                + " --conf spark.torchscore.batch.size=" + batchSize
                + " --conf spark.torchscore.input.path=" + input
                + " --conf spark.torchscore.output.path=" + dir.resolve("scored"),
            "echo \"exit=$?\"",
            "sleep 600"));

    tmux("new-session", "-d", "-x", String.valueOf(COLUMNS), "-y", "40", "bash " + script);
    List<String> screens = new ArrayList<>();
    String screen = "";
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(8);
    while (!screen.contains("exit=") && System.nanoTime() < deadline) {
      Thread.sleep(200);
      screen = tmux("capture-pane", "-p", "-J");
      screens.add(screen);
    }
    return screens;
  }

  /** Returns the bar's line on a screen, or an empty string before the bar shows. */
  private static String bar(String screen) {
    return screen.lines().filter(line -> line.startsWith("Scoring ")).reduce((a, b) -> b).orElse("");
  }

  @Test
  void drawsABarOfRowsScoredOfTheParquetInputsRowCount() throws Exception {
    // 1,000 rows in 4 Parquet files: the total comes from their footers.
    Path input = dir.resolve("input");
    fixtureTable("tutorial_mlp.jsonl", "id BIGINT, features ARRAY<FLOAT>, expected FLOAT")
        .repartition(4)
        .write()
        .parquet(input.toString());

    List<String> screens = scoreInPane(input, "local[2]", 100);

    String screen = screens.get(screens.size() - 1);
    assertThat(screen).contains("exit=0");
    String bar = bar(screen);
    // The last frame: every row of the 1,000, none bad, on one line no wider than the pane.
    assertThat(bar).startsWith("Scoring 100% [").contains("] 1000/1000 rows (").endsWith(", 0 bad");
    assertThat(bar.length()).isLessThan(COLUMNS);
    assertThat(screen).contains("Scored 1,000 rows in ").doesNotContain("Progress: ");
  }

  @Test
  void theRowsAndTheClockMoveWhileTheOnlyTaskRuns() throws Exception {
    // One Parquet file of one row group, scored by one task in batches of 4: some seconds of work.
    long total = 400_000;
    Path input = dir.resolve("input");
    spark.range(0, total, 1, 1)
        .selectExpr("id", "transform(sequence(0, 9), i -> CAST((id + i) % 13 - 6 AS FLOAT)) AS features")
        .write()
        .parquet(input.toString());

    List<String> screens = scoreInPane(input, "local[1]", 4);

    assertThat(screens.get(screens.size() - 1)).contains("exit=0");
    List<String> bars = screens.stream().map(ProgressBarTerminalTest::bar).distinct().toList();
    List<Frame> frames = bars.stream().map(Frame::parse).filter(Objects::nonNull).toList();
    assertThat(frames.get(frames.size() - 1).rows()).isEqualTo(total);
    List<Frame> whileRunning = frames.stream().filter(frame -> frame.rows() < total).toList();
    // The task's rows showed before it ended, read from executor heartbeats.
    assertThat(whileRunning).as(String.join("\n", bars)).anyMatch(frame -> frame.rows() > 0);
    assertThat(whileRunning).allMatch(frame -> frame.total() == total);
    assertThat(whileRunning.stream().map(Frame::elapsed).distinct().count())
        .as("the elapsed clock ticks before the task ends")
        .isGreaterThan(1);
  }

  /** One frame of the bar: rows of the total, after the elapsed time ({@code 0:00:07}). */
  private record Frame(long rows, long total, String elapsed) {

    private static final Pattern BAR = Pattern.compile("\\] +(\\d+)/(\\d+) rows \\((\\d+:\\d\\d:\\d\\d) / ");

    /** Returns the frame a bar's line shows, or null where the screen had no bar yet. */
    static Frame parse(String bar) {
      Matcher matcher = BAR.matcher(bar);
      return matcher.find()
          ? new Frame(Long.parseLong(matcher.group(1)), Long.parseLong(matcher.group(2)), matcher.group(3))
          : null;
    }
  }
}
