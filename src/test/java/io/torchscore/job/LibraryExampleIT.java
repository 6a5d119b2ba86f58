package io.torchscore.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library quick start (README, docs/library.md) as a user runs it: the library jar
 * installed into the Maven repository, then the example project (examples/library: Spark
 * provided) built and run with {@code mvn compile exec:exec} in a folder of its own.
 */
class LibraryExampleIT {

  private static final Path FIXTURES = Paths.get("src/test/resources/fixtures");

  @TempDir Path dir;

  @Test
  void theExampleProjectBuildsAgainstTheInstalledJarAndPrintsPyTorchsPredictionsQuietly() throws Exception {
    String repo = System.getProperty("torchscore.mavenRepo");
    assertThat(MavenProcess.installLibrary(dir, 5)).isZero();
    Path project = dir.resolve("example");
    copy(Paths.get("examples/library"), project);

    int code =
        MavenProcess.run(
            project,
            dir,
            "run",
            5,
            "compile",
            "exec:exec",
            "-Dmaven.repo.local=" + repo,
            "-Dmodel=" + FIXTURES.resolve("tutorial_mlp.pt").toAbsolutePath(),
            "-Dinput=" + FIXTURES.resolve("tutorial_mlp.jsonl").toAbsolutePath());

    String out = Files.readString(dir.resolve("run.out"), StandardCharsets.UTF_8);
    String err = Files.readString(dir.resolve("run.err"), StandardCharsets.UTF_8);
    assertThat(code).as(out + err).isZero();
    // Maven's -q mode still wraps the output in colour resets.
    List<String> printed =
        out.replaceAll("\u001b\\[[0-9;]*m", "").lines().filter(line -> line.matches("\\d+ \\S+")).toList();
    List<JsonNode> fixture = fixtureRows();
    assertThat(printed).as(out).hasSize(5);
    for (int i = 0; i < 5; i++) {
      String[] fields = printed.get(i).split(" ");
      assertThat(Long.parseLong(fields[0])).isEqualTo(fixture.get(i).get("id").asLong());
      assertThat(Double.parseDouble(fields[1])).isCloseTo(fixture.get(i).get("expected").asDouble(), within(1e-5));
    }
    // The example's log4j2.properties: warnings and torchscore's events, no stack trace.
    assertThat(err).doesNotContain("CudaUtils").doesNotContain("InterruptedException").doesNotContain("\tat ");
    assertThat(err.lines().filter(line -> line.contains(" INFO ") && !line.contains(" io.torchscore") && !line.matches(".* (ModelFetcher|DjlEnvironment|ModelCache|TorchScorer|NativeLibraryCheck): .*")))
        .as("Spark's INFO lines")
        .isEmpty();
  }

  private static List<JsonNode> fixtureRows() throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> rows = new ArrayList<>();
    for (String line : Files.readAllLines(FIXTURES.resolve("tutorial_mlp.jsonl"))) {
      rows.add(json.readTree(line));
    }
    return rows;
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path file : files.filter(f -> !f.toString().contains("/target")).toList()) {
        Path target = to.resolve(from.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.copy(file, target);
        }
      }
    }
  }
}
