package io.torchscore.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jobs/score} itself, on a machine without Spark installed: embedded local Spark. */
class ScoreScriptTest {

  @TempDir Path dir;

  private record Result(int code, String out, String err) {}

  private Result runScript(String... args) throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>(List.of("jobs/score"));
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
    assertThat(Files.readString(dir.resolve("report.json"))).contains("\"rows_scored\" : 300");
    try (var files = Files.list(output)) {
      assertThat(files.filter(f -> f.getFileName().toString().startsWith("part-"))).isNotEmpty();
    }
  }

  @Test
  void aBadSettingExitsNonZeroWithTheKeyNamed() throws Exception {
    Result result = runScript("--properties-file", properties().toString());

    assertThat(result.code()).isEqualTo(2);
    assertThat(result.err())
        .contains("torchscore: Missing setting spark.torchscore.output.path: expected the path to write the scored table to");
  }
}
