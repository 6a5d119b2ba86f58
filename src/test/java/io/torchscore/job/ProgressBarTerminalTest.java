package io.torchscore.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.torchscore.SparkTestBase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
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

  @Test
  void drawsABarOfRowsScoredOfTheParquetInputsRowCount() throws Exception {
    // 1,000 rows in 4 Parquet files: the total comes from their footers.
    Path input = dir.resolve("input");
    fixtureTable("tutorial_mlp.jsonl", "id BIGINT, features ARRAY<FLOAT>, expected FLOAT")
        .repartition(4)
        .write()
        .parquet(input.toString());
    Path script = dir.resolve("run.sh");
    Files.writeString(dir.resolve("classpath.txt"), System.getProperty("java.class.path"));
    Files.write(
        script,
        List.of(
            "cd " + Path.of("").toAbsolutePath(),
            "unset SPARK_HOME",
            "export TORCHSCORE_CLASSPATH=\"$(cat " + dir.resolve("classpath.txt") + ")\" TORCHSCORE_JAVA_OPTS=-Xmx1g",
            "jobs/score --master 'local[2]' --conf spark.ui.enabled=false"
                + " --conf spark.torchscore.model.path=" + fixture("tutorial_mlp.pt")
                + " --conf spark.torchscore.features=features"
                + " --conf spark.torchscore.batch.size=100"
                + " --conf spark.torchscore.input.path=" + input
                + " --conf spark.torchscore.output.path=" + dir.resolve("scored"),
            "echo \"exit=$?\"",
            "sleep 600"));

    tmux("new-session", "-d", "-x", String.valueOf(COLUMNS), "-y", "40", "bash " + script);
    String screen = "";
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(8);
    while (!screen.contains("exit=") && System.nanoTime() < deadline) {
      Thread.sleep(500);
      screen = tmux("capture-pane", "-p", "-J");
    }

    assertThat(screen).contains("exit=0");
    String bar = screen.lines().filter(line -> line.startsWith("Scoring ")).reduce((a, b) -> b).orElse("");
    // The last frame: every row of the 1,000, none bad, on one line no wider than the pane.
    assertThat(bar).startsWith("Scoring 100% [").contains("] 1000/1000 rows (").endsWith(", 0 bad");
    assertThat(bar.length()).isLessThan(COLUMNS);
    assertThat(screen).contains("Scored 1,000 rows in ").doesNotContain("Progress: ");
  }
}
