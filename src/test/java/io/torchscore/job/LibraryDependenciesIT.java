package io.torchscore.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a library user's project gets with the library jar: a throw-away Maven project that depends
 * on the installed jar lists its dependencies offline. The engine comes with it; the command
 * line's libraries (picocli, progressbar and its jline) do not, nor does Spark (provided: the
 * user's cluster has it). The cluster jar still holds the command line's libraries (ClusterJarIT).
 */
class LibraryDependenciesIT {

  @TempDir Path dir;

  @Test
  void aProjectDependingOnTheLibraryGetsTheEngineButNotTheCommandLinesLibrariesNorSpark() throws Exception {
    String repo = System.getProperty("torchscore.mavenRepo");
    Path jar = Paths.get(System.getProperty("torchscore.libraryJar"));
    mvn(
        Paths.get("").toAbsolutePath(),
        "install",
        "org.apache.maven.plugins:maven-install-plugin:3.1.2:install-file",
        "-Dmaven.repo.local=" + repo,
        "-Dfile=" + jar.toAbsolutePath(),
        "-DpomFile=" + Paths.get("pom.xml").toAbsolutePath());
    Path project = Files.createDirectories(dir.resolve("user-project"));
    Files.writeString(project.resolve("pom.xml"), userPom(System.getProperty("torchscore.version")));

    Path list = dir.resolve("dependencies.txt");
    mvn(
        project,
        "list",
        "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:list",
        "-Dmaven.repo.local=" + repo,
        "-DoutputFile=" + list);

    List<String> dependencies =
        Files.readAllLines(list, StandardCharsets.UTF_8).stream()
            .map(String::trim)
            .filter(line -> line.contains(":jar:"))
            .toList();
    assertThat(dependencies)
        .anyMatch(d -> d.startsWith("ai.djl.pytorch:pytorch-engine:jar:"))
        .anyMatch(d -> d.startsWith("ai.djl.onnxruntime:onnxruntime-engine:jar:"))
        .noneMatch(d -> d.startsWith("info.picocli:"))
        .noneMatch(d -> d.startsWith("me.tongfei:"))
        .noneMatch(d -> d.startsWith("org.jline:"))
        .noneMatch(d -> d.startsWith("org.apache.spark:"));
  }

  private static String userPom(String version) {
    return """
        <project xmlns="http://maven.apache.org/POM/4.0.0">
          <modelVersion>4.0.0</modelVersion>
          <groupId>example</groupId>
          <artifactId>uses-torchscore</artifactId>
          <version>1</version>
          <dependencies>
            <dependency>
              <groupId>io.torchscore</groupId>
              <artifactId>torchscore</artifactId>
              <version>%s</version>
            </dependency>
          </dependencies>
        </project>
        """
        .formatted(version);
  }

  /** Runs Maven offline in batch mode in a folder, its output in {@code <name>.out} and {@code .err}. */
  private void mvn(Path folder, String name, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("mvn", "-B", "-ntp", "-q", "-o"));
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command)
            .directory(folder.toFile())
            .redirectOutput(dir.resolve(name + ".out").toFile())
            .redirectError(dir.resolve(name + ".err").toFile())
            .start();
    assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("mvn %s ended in two minutes", name).isTrue();
    String output = Files.readString(dir.resolve(name + ".out")) + Files.readString(dir.resolve(name + ".err"));
    assertThat(process.exitValue()).as(output).isZero();
  }
}
