package io.torchscore.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One run of the scoring job as an operator starts it: {@code io.torchscore.job.ScoreCommand} in a
 * driver JVM of its own, with a properties file, against the standalone cluster; then what it
 * left: exit code, console, the JSON report, the output and rejects rows, and the fault journal.
 *
 * @param exitCode the driver's exit code
 * @param stdout what it printed on stdout
 * @param stderr what it printed on stderr
 * @param report the run report's fields
 * @param output the output's rows, by id (a list: an id written twice shows twice)
 * @param rejects the rejects' rows
 * @param journal the fault journal's lines
 * @param seconds the driver's wall time
 */
record ScoringRun(
    int exitCode,
    String stdout,
    String stderr,
    JsonNode report,
    List<JsonNode> output,
    List<JsonNode> rejects,
    List<String> journal,
    double seconds) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Runs the job with these Spark conf entries and fault settings, and collects what it left.
   *
   * @param dir a fresh folder for this run, outside {@code /tmp} (executors write the output in it)
   * @param conf the job's properties; under {@code on.error=skip} the rejects go to the run's folder
   * @param fault the {@link FaultInjector}'s system properties, without the {@code fault.} prefix
   * @return the run
   * @throws Exception when the driver does not end in six minutes
   */
  static ScoringRun run(Path dir, Map<String, String> conf, Map<String, String> fault) throws Exception {
    Files.createDirectories(dir);
    Map<String, String> all = new LinkedHashMap<>(conf);
    all.put("spark.torchscore.output.path", dir.resolve("output").toString());
    all.put("spark.torchscore.report.path", dir.resolve("report.json").toString());
    if ("skip".equals(conf.get("spark.torchscore.on.error"))) {
      all.put("spark.torchscore.rejects.path", dir.resolve("rejects").toString());
    }
    return runMain(
        dir, all, fault, "io.torchscore.job.ScoreCommand", "--properties-file", dir.resolve("job.properties").toString());
  }

  /**
   * Runs a driver's main class with these Spark conf entries (in {@code job.properties} in the
   * folder, the {@link FaultInjector} added as a listener) and fault settings, and collects what
   * it left in the folder.
   *
   * @param dir a fresh folder for this run, outside {@code /tmp}
   * @param conf the Spark conf entries; they are written to {@code dir/job.properties}
   * @param fault the {@link FaultInjector}'s system properties, without the {@code fault.} prefix
   * @param mainClass the driver's main class
   * @param args its arguments
   * @return the run
   * @throws Exception when the driver does not end in six minutes
   */
  static ScoringRun runMain(
      Path dir, Map<String, String> conf, Map<String, String> fault, String mainClass, String... args)
      throws Exception {
    Files.createDirectories(dir);
    properties(dir, conf);
    List<String> command = new ArrayList<>();
    command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    Arrays.stream(System.getProperty("torchscore.javaOpens", "").split("\\s+"))
        .filter(option -> !option.isEmpty())
        .forEach(command::add);
    command.add("-Xmx768m");
    command.add("-Dfault.journal=" + dir.resolve("journal.txt"));
    fault.forEach((key, value) -> command.add("-Dfault." + key + "=" + value));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectOutput(dir.resolve("stdout.txt").toFile())
            .redirectError(dir.resolve("stderr.txt").toFile());
    builder.environment().put("OPT_OUT_TRACKING", "true");
    long start = System.nanoTime();
    Process driver = builder.start();
    if (!driver.waitFor(6, TimeUnit.MINUTES)) {
      driver.destroyForcibly();
      throw new IllegalStateException("The driver did not end in six minutes; see " + dir);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    Path report = dir.resolve("report.json");
    return new ScoringRun(
        driver.exitValue(),
        Files.readString(dir.resolve("stdout.txt"), StandardCharsets.UTF_8),
        Files.readString(dir.resolve("stderr.txt"), StandardCharsets.UTF_8),
        Files.exists(report) ? JSON.readTree(report.toFile()) : null,
        jsonLines(dir.resolve("output")),
        jsonLines(dir.resolve("rejects")),
        Files.exists(dir.resolve("journal.txt"))
            ? Files.readAllLines(dir.resolve("journal.txt"))
            : List.of(),
        seconds);
  }

  /** Writes the conf, with the fault injector as a listener, to {@code dir/job.properties}. */
  private static void properties(Path dir, Map<String, String> conf) throws IOException {
    Map<String, String> all = new LinkedHashMap<>(conf);
    all.put("spark.extraListeners", FaultInjector.class.getName());
    List<String> lines = new ArrayList<>();
    all.forEach((key, value) -> lines.add(key + "=" + value));
    Files.write(dir.resolve("job.properties"), lines);
  }

  /** The rows of the part files of a JSON output folder; none when it is missing. */
  static List<JsonNode> jsonLines(Path folder) throws IOException {
    List<JsonNode> rows = new ArrayList<>();
    if (!Files.isDirectory(folder)) {
      return rows;
    }
    try (Stream<Path> files = Files.list(folder)) {
      for (Path part : files.filter(f -> f.getFileName().toString().startsWith("part-")).sorted().toList()) {
        for (String line : Files.readAllLines(part, StandardCharsets.UTF_8)) {
          if (!line.isBlank()) {
            rows.add(JSON.readTree(line));
          }
        }
      }
    }
    return rows;
  }

  /**
   * Returns the journal lines of one kind, each as its {@code key=value} fields.
   *
   * @param kind the line's first word, e.g. {@code task-end}
   * @return the fields of each such line, in order
   */
  List<Map<String, String>> events(String kind) {
    List<Map<String, String>> events = new ArrayList<>();
    for (String line : journal) {
      if (line.startsWith(kind + " ")) {
        Map<String, String> fields = new LinkedHashMap<>();
        String rest = line.substring(kind.length() + 1);
        // reason= is last and may hold spaces.
        int reason = rest.indexOf("reason=");
        if (reason >= 0) {
          fields.put("reason", rest.substring(reason + "reason=".length()));
          rest = rest.substring(0, reason);
        }
        for (String field : rest.trim().split(" ")) {
          int eq = field.indexOf('=');
          if (eq > 0) {
            fields.put(field.substring(0, eq), field.substring(eq + 1));
          }
        }
        events.add(fields);
      }
    }
    return events;
  }

  /**
   * Returns the application's id, as the fault journal has it.
   *
   * @return {@code app-...}
   */
  String appId() {
    return events("app").get(0).get("id");
  }

  /**
   * Returns what to show when an assertion fails: exit code, the console's end, the journal.
   *
   * @return a few hundred lines at most
   */
  String describe() {
    String err = stderr.length() > 6000 ? stderr.substring(stderr.length() - 6000) : stderr;
    return "exit " + exitCode + "\nstdout:\n" + stdout + "\nstderr (end):\n" + err + "\njournal:\n"
        + String.join("\n", journal);
  }
}
