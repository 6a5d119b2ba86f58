package io.torchscore.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
    assertSucceeded("install", MavenProcess.installLibrary(dir, 2, "-o"));
    Path project = Files.createDirectories(dir.resolve("user-project"));
    Files.writeString(project.resolve("pom.xml"), userPom(System.getProperty("torchscore.version")));

    Path list = dir.resolve("dependencies.txt");
    assertSucceeded(
        "list",
        MavenProcess.run(
            project,
            dir,
            "list",
            2,
            "-o",
            "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:list",
            "-Dmaven.repo.local=" + System.getProperty("torchscore.mavenRepo"),
            "-DoutputFile=" + list));

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

  private void assertSucceeded(String name, int code) throws Exception {
    String output = Files.readString(dir.resolve(name + ".out")) + Files.readString(dir.resolve(name + ".err"));
    assertThat(code).as(output).isZero();
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
}
