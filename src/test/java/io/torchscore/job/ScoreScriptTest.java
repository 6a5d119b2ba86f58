package io.torchscore.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jobs/score} itself, on a machine without Spark installed: embedded local Spark. */
class ScoreScriptTest {

  @TempDir Path dir;

  private record Result(int code, String out, String err) {}

  private Result runScript(String... args) throws IOException, InterruptedException {
    return runScript(Map.of(), args);
  }

  private Result runScript(Map<String, String> env, String... args) throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>(List.of("jobs/score"));
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectOutput(dir.resolve("out.txt").toFile())
            .redirectError(dir.resolve("err.txt").toFile());
    builder.environment().put("TORCHSCORE_CLASSPATH", System.getProperty("java.class.path"));
    builder.environment().put("TORCHSCORE_JAVA_OPTS", "-Xmx1g");
    builder.environment().remove("SPARK_HOME");
    builder.environment().putAll(env);
    Process process = builder.start();
    assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
    return new Result(
        process.exitValue(),
        Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8),
        Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8));
  }

  /** Runs the script with the properties file, an output path and these further arguments. */
  private Result runWithOutput(String... more) throws IOException, InterruptedException {
    List<String> args =
        new java.util.ArrayList<>(
            List.of("--properties-file", properties().toString(), "--conf", "spark.torchscore.output.path=" + dir.resolve("scored")));
    args.addAll(List.of(more));
    return runScript(args.toArray(String[]::new));
  }

  private Path properties() throws IOException {
    Path file = dir.resolve("job.properties");
    Files.write(
        file,
        List.of(
            "spark.master=local[2]",
            "spark.ui.enabled=false",
            "spark.torchscore.model.path=" + Paths.get("src/test/resources/fixtures/vector_mlp.pt").toAbsolutePath(),
            "spark.torchscore.input.path=" + Paths.get("src/test/resources/fixtures/vector_mlp.jsonl").toAbsolutePath(),
            "spark.torchscore.input.format=json",
            "spark.torchscore.features=features",
            "spark.torchscore.output.format=json"));
    return file;
  }

  @Test
  void runsTheJobOnEmbeddedSparkWithAPropertiesFile() throws Exception {
    Path output = dir.resolve("scored");

    Result result =
        runScript(
            "--properties-file", properties().toString(),
            "--conf", "spark.torchscore.output.path=" + output,
            "--conf", "spark.torchscore.report.path=" + dir.resolve("report.json"));

    assertThat(result.code()).as(result.err()).isZero();
    assertThat(result.out()).contains("Scored 300 rows");
    // stderr is a file here: progress comes as log lines, the last one at the end of the scoring.
    assertThat(result.err()).contains("Progress: scored 300 rows, 0 bad; ").doesNotContain("\u001b").doesNotContain("\r");
    assertThat(Files.readString(dir.resolve("report.json"))).contains("\"rows_scored\" : 300");
    try (var files = Files.list(output)) {
      assertThat(files.filter(f -> f.getFileName().toString().startsWith("part-"))).isNotEmpty();
    }
  }

  @Test
  void embeddedSparkTakesSparkSubmitsOptionsAndTheConsoleCarriesOnlyWhatAUserNeeds() throws Exception {
    Path events = Files.createDirectories(dir.resolve("events"));
    // This machine's name resolves to a loopback address, as on many laptops: Spark would warn.
    Path hosts = dir.resolve("hosts");
    Files.write(hosts, List.of("127.0.0.1 localhost", "127.0.1.1 " + InetAddress.getLocalHost().getHostName()));

    Result result =
        runScript(
            Map.of("TORCHSCORE_JAVA_OPTS", "-Xmx1g -Djdk.net.hosts.file=" + hosts),
            "--master", "local[1]",
            "--name", "torchscore-options",
            "--driver-memory", "700m",
            "--properties-file", properties().toString(),
            "--conf", "spark.torchscore.output.path=" + dir.resolve("scored"),
            "--conf", "spark.eventLog.enabled=true",
            "--conf", "spark.eventLog.compress=false",
            "--conf", "spark.eventLog.dir=" + events.toUri());

    assertThat(result.code()).as(result.err()).isZero();
    assertThat(result.out()).containsPattern("^Scored 300 rows in [0-9,]+ batch(es)? sized by batch\\.size=auto: ");
    assertThat(result.err())
        .doesNotContain("Failed to detect GPU count")
        .doesNotContain("resolves to a loopback address")
        .doesNotContain("SPARK_LOCAL_IP")
        .doesNotContain("NativeCodeLoader")
        .doesNotContain("WARN");
    Map<String, String> properties = new java.util.HashMap<>();
    long storageMemory = -1;
    List<String> lines = new java.util.ArrayList<>();
    // Spark 4 writes a rolling event log (a folder of files), Spark 3.5 one file.
    try (var files = Files.walk(events)) {
      for (Path file : files.filter(f -> Files.isRegularFile(f) && !f.getFileName().toString().startsWith(".")).sorted().toList()) {
        lines.addAll(Files.readAllLines(file));
      }
    }
    ObjectMapper json = new ObjectMapper();
    for (String line : lines) {
      JsonNode event = json.readTree(line);
      if (event.path("Event").asText().equals("SparkListenerEnvironmentUpdate")) {
        event.get("Spark Properties").fields().forEachRemaining(e -> properties.put(e.getKey(), e.getValue().asText()));
      } else if (event.path("Event").asText().equals("SparkListenerBlockManagerAdded")) {
        storageMemory = event.get("Maximum Memory").asLong();
      }
    }
    // The flags win over the properties file's spark.master=local[2], as in spark-submit.
    assertThat(properties)
        .containsEntry("spark.master", "local[1]")
        .containsEntry("spark.app.name", "torchscore-options")
        .containsEntry("spark.driver.memory", "700m");
    // A 700 MiB heap gives Spark at most (700 - 300 reserved) MiB x 0.6 (spark.memory.fraction) =
    // 240 MiB for storage; TORCHSCORE_JAVA_OPTS' 1 GiB would give over 400.
    assertThat(storageMemory).isPositive().isLessThanOrEqualTo(240L * 1024 * 1024);
  }

  @Test
  void aMissingInputPathIsOneLineWithNoStackTrace() throws Exception {
    Path missing = dir.resolve("no-such-table");

    Result result =
        runWithOutput("--conf", "spark.torchscore.input.path=" + missing);

    assertThat(result.code()).isEqualTo(2);
    assertThat(result.err().lines())
        .containsExactly(
            "torchscore: Cannot read input: " + missing
                + " does not exist; set spark.torchscore.input.path to an existing file or folder");
  }

  @Test
  void anInputFolderWithNoDataFilesIsOneLine() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("empty-table/_temporary/0"));
    Files.writeString(empty.resolve("part-0.json"), "{}");
    Files.writeString(dir.resolve("empty-table/_SUCCESS"), "");

    Result result =
        runWithOutput("--conf", "spark.torchscore.input.path=" + dir.resolve("empty-table"));

    assertThat(result.code()).isEqualTo(2);
    assertThat(result.err().lines())
        .containsExactly(
            "torchscore: Cannot read input: " + dir.resolve("empty-table") + " holds no data files (only"
                + " folders, or files whose names start with _ or ., which Spark skips); set"
                + " spark.torchscore.input.path to a folder with json files");
  }

  @Test
  void aSettingSparkRefusesAtStartUpIsOneLineWithNoStackTrace() throws Exception {
    Result result =
        runWithOutput("--conf", "spark.network.timeoutInterval=200s");

    assertThat(result.code()).isEqualTo(2);
    assertThat(result.err().lines()).hasSize(1);
    assertThat(result.err())
        .startsWith("torchscore: Cannot start Spark: requirement failed: spark.network.timeoutInterval")
        .endsWith("; fix the Spark setting it names (--conf or the properties file)\n");
  }

  @Test
  void aBadSettingExitsNonZeroWithTheKeyNamed() throws Exception {
    Result result = runScript("--properties-file", properties().toString());

    assertThat(result.code()).isEqualTo(2);
    assertThat(result.err())
        .contains("torchscore: Missing setting spark.torchscore.output.path: expected the path to write the scored table to");
  }
}
