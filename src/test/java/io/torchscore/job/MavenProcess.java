package io.torchscore.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Maven run in a process of its own by the tests that build a user's project against the library:
 * installing the packaged jar, then building or resolving the project. Each run's output goes to
 * {@code <name>.out} and {@code <name>.err} in a log folder.
 */
final class MavenProcess {

  private MavenProcess() {}

  /**
   * Installs the packaged library jar, with this project's pom, into the Maven repository the
   * build uses ({@code torchscore.mavenRepo}).
   *
   * @param logs the folder of the run's output
   * @param minutes how long it may take
   * @param options Maven options before the goal, e.g. {@code -o}
   * @return Maven's exit code
   */
  static int installLibrary(Path logs, int minutes, String... options) throws Exception {
    Path jar = Paths.get(System.getProperty("torchscore.libraryJar"));
    List<String> args = new ArrayList<>(List.of(options));
    args.addAll(
        List.of(
            "org.apache.maven.plugins:maven-install-plugin:3.1.2:install-file",
            "-Dmaven.repo.local=" + System.getProperty("torchscore.mavenRepo"),
            "-Dfile=" + jar.toAbsolutePath(),
            "-DpomFile=" + Paths.get("pom.xml").toAbsolutePath()));
    return run(Paths.get("").toAbsolutePath(), logs, "install", minutes, args.toArray(new String[0]));
  }

  /**
   * Runs Maven in batch mode, quietly, in a folder, and fails the test when it runs longer than
   * the minutes given.
   *
   * @return Maven's exit code
   */
  static int run(Path folder, Path logs, String name, int minutes, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("mvn", "-B", "-ntp", "-q"));
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command)
            .directory(folder.toFile())
            .redirectOutput(logs.resolve(name + ".out").toFile())
            .redirectError(logs.resolve(name + ".err").toFile())
            .start();
    assertThat(process.waitFor(minutes, TimeUnit.MINUTES)).as("mvn %s ended in %s minutes", name, minutes).isTrue();
    return process.exitValue();
  }
}
