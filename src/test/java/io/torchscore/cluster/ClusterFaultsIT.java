package io.torchscore.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Faults an operator meets, tried on a real standalone master with two workers on two loopback
 * "hosts", each executor with its own {@code /tmp} (see {@link StandaloneCluster}); the job runs as
 * its command in a driver JVM of its own ({@link ScoringRun}). Each run scores 20,000 rows (the
 * tutorial fixture's 1,000 rows twenty times, 20 of them without features) and must give every
 * input row exactly once, with PyTorch's predictions, and exact counts in the report.
 *
 * <p>An integration test: it runs in {@code mvn verify}, not in the Spark 3.5 re-run of the unit
 * tests (its daemons run on the Spark of the test classpath).
 */
class ClusterFaultsIT {

  private static final Path FIXTURES = Paths.get("src/test/resources/fixtures");
  private static final int COPIES = 20;
  private static final int FIXTURE_ROWS = 1000;
  private static final int ROWS = COPIES * FIXTURE_ROWS;
  // Fixture row 7 has no features in every copy: 20 bad rows.
  private static final int BAD_FIXTURE_ROW = 7;
  private static final int BAD_ROWS = COPIES;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path driverDisk;

  private static Path root;
  private static StandaloneCluster cluster;
  private static Path model;
  private static Path input;
  private static Map<Long, Double> golden;
  private static Path djlCache;

  @BeforeAll
  static void startCluster() throws Exception {
    // Outside /tmp: the executors' /tmp is their own, but they read the input and write the output.
    root = Files.createTempDirectory(Files.createDirectories(Paths.get("target")), "standalone-cluster-").toAbsolutePath();
    model = Files.copy(FIXTURES.resolve("tutorial_mlp.pt"), driverDisk.resolve("model.pt"));
    input = root.resolve("input/rows.jsonl");
    golden = writeInput(input);
    djlCache = Files.createDirectories(Paths.get("target/djl-cache")).toAbsolutePath();
    cluster = StandaloneCluster.start(root);
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  /**
   * The input: each fixture row {@code COPIES} times, id {@code copy * 1000 + fixture id}, and
   * PyTorch's prediction for each (the fixture's {@code expected}).
   */
  private static Map<Long, Double> writeInput(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    List<JsonNode> fixture = new ArrayList<>();
    for (String line : Files.readAllLines(FIXTURES.resolve("tutorial_mlp.jsonl"))) {
      fixture.add(JSON.readTree(line));
    }
    Map<Long, Double> expected = new HashMap<>();
    List<String> lines = new ArrayList<>();
    for (int copy = 0; copy < COPIES; copy++) {
      for (JsonNode row : fixture) {
        long id = (long) copy * FIXTURE_ROWS + row.get("id").asLong();
        ObjectNode out = JSON.createObjectNode();
        out.put("id", id);
        if (row.get("id").asInt() == BAD_FIXTURE_ROW) {
          out.putNull("features");
        } else {
          out.set("features", row.get("features"));
          expected.put(id, row.get("expected").asDouble());
        }
        lines.add(JSON.writeValueAsString(out));
      }
    }
    Files.write(file, lines, StandardCharsets.UTF_8);
    return expected;
  }

  /** The job's properties: the cluster, two executors of two cores, 16 partitions. */
  private static Map<String, String> conf(String name, String onError) {
    return conf(cluster, name, onError);
  }

  private static Map<String, String> conf(StandaloneCluster cluster, String name, String onError) {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.master", cluster.masterUrl());
    conf.put("spark.app.name", "torchscore-" + name);
    conf.put("spark.driver.host", "127.0.0.1");
    conf.put("spark.driver.bindAddress", "127.0.0.1");
    conf.put("spark.ui.enabled", "false");
    conf.put("spark.executor.memory", "512m");
    conf.put("spark.executor.cores", Integer.toString(StandaloneCluster.CORES_PER_WORKER));
    conf.put("spark.cores.max", Integer.toString(2 * StandaloneCluster.CORES_PER_WORKER));
    conf.put("spark.executor.extraClassPath", System.getProperty("java.class.path"));
    // DJL's libtorch (430 MB unpacked) is unpacked once for all executors, outside their /tmp;
    // the model cache, what these tests are about, stays in each executor's own /tmp.
    conf.put(
        "spark.executor.extraJavaOptions",
        System.getProperty("torchscore.javaOpens", "") + " -DDJL_CACHE_DIR=" + djlCache + " -DENGINE_CACHE_DIR=" + djlCache);
    // Start scoring only once both executors are there, so both hosts take part.
    conf.put("spark.scheduler.minRegisteredResourcesRatio", "1.0");
    conf.put("spark.scheduler.maxRegisteredResourcesWaitingTime", "120s");
    conf.put("spark.sql.files.maxPartitionBytes", "350000");
    conf.put("spark.torchscore.model.path", model.toString());
    conf.put("spark.torchscore.input.path", input.toString());
    conf.put("spark.torchscore.input.format", "json");
    conf.put("spark.torchscore.features", "features");
    conf.put("spark.torchscore.input.shape", "10");
    conf.put("spark.torchscore.batch.size", "64");
    conf.put("spark.torchscore.output.format", "json");
    conf.put("spark.torchscore.on.error", onError);
    return conf;
  }

  private static ScoringRun run(String name, Map<String, String> conf, Map<String, String> fault)
      throws Exception {
    ScoringRun run = ScoringRun.run(root.resolve("runs").resolve(name), conf, fault);
    System.out.printf("%s: %.1f s%n%s%n", name, run.seconds(), String.join("\n", run.journal()));
    return run;
  }

  /**
   * Every input row once: the good ones with PyTorch's prediction, the bad ones with null
   * predictions ({@code on.error=null}) or in the rejects ({@code skip}); and the report's counts.
   */
  private static void assertExact(ScoringRun run, String onError) {
    assertThat(run.exitCode()).as(run.describe()).isZero();
    Map<Long, List<JsonNode>> byId =
        run.output().stream().collect(Collectors.groupingBy(row -> row.get("id").asLong()));
    assertThat(byId.values()).as("rows written more than once").allMatch(rows -> rows.size() == 1);
    Set<Long> bad = new TreeSet<>();
    for (int copy = 0; copy < COPIES; copy++) {
      bad.add((long) copy * FIXTURE_ROWS + BAD_FIXTURE_ROW);
    }
    for (Map.Entry<Long, Double> row : golden.entrySet()) {
      assertThat(byId).as("row %d", row.getKey()).containsKey(row.getKey());
      assertThat(byId.get(row.getKey()).get(0).get("prediction").asDouble())
          .as("row %d", row.getKey())
          .isCloseTo(row.getValue(), within(1e-5));
    }
    if (onError.equals("null")) {
      assertThat(byId).hasSize(ROWS);
      for (long id : bad) {
        JsonNode row = byId.get(id).get(0);
        assertThat(row.hasNonNull("prediction")).isFalse();
        assertThat(row.get("_error").asText()).startsWith("null_features");
      }
      assertThat(run.rejects()).isEmpty();
    } else {
      assertThat(byId).hasSize(ROWS - BAD_ROWS);
      Map<Long, Long> rejected =
          run.rejects().stream()
              .collect(Collectors.groupingBy(row -> row.get("id").asLong(), Collectors.counting()));
      assertThat(rejected.keySet()).isEqualTo(bad);
      assertThat(rejected.values()).allMatch(count -> count == 1);
    }
    JsonNode report = run.report();
    assertThat(report.get("rows_scored").asLong()).isEqualTo(ROWS - BAD_ROWS);
    assertThat(report.get("rows_nulled").asLong()).isEqualTo(onError.equals("null") ? BAD_ROWS : 0);
    assertThat(report.get("rows_skipped").asLong()).isEqualTo(onError.equals("skip") ? BAD_ROWS : 0);
    Map<String, Long> reasons = new LinkedHashMap<>();
    report.get("bad_rows_by_reason").fields().forEachRemaining(e -> {
      if (e.getValue().asLong() != 0) {
        reasons.put(e.getKey(), e.getValue().asLong());
      }
    });
    assertThat(reasons).isEqualTo(Map.of("null_features", (long) BAD_ROWS));
  }

  /** The model loads the report may count: the driver's, plus one per executor JVM that scored. */
  private static void assertModelLoads(ScoringRun run) {
    long executors = run.events("executor-added").size();
    assertThat(run.report().get("model_loads").asLong()).isBetween(1L + 2, 1L + executors);
  }

  @Test
  void executorsThatCannotSeeTheDriversDiskScoreItsModelThroughSpark() throws Exception {
    ScoringRun run = run("driver-disk-model", conf("driver-disk-model", "null"), Map.of());

    assertExact(run, "null");
    // Nothing lost, nothing retried: the driver's check, then one load per executor JVM.
    assertThat(run.report().get("model_loads").asLong()).isEqualTo(3);
    List<Map<String, String>> views = run.events("view");
    assertThat(views).isNotEmpty();
    String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(model)));
    for (Map<String, String> view : views) {
      assertThat(view).containsEntry("tmp", "tmpfs").containsEntry("model-visible", "false");
    }
    assertThat(views.stream().map(view -> view.get("executor")).collect(Collectors.toSet())).hasSize(2);
    assertThat(views.get(views.size() - 1)).containsEntry("cached", sha256 + ".pt");
    assertThat(cluster.executorLogs(run.appId())).contains("from the driver (spark://");
  }

  @Test
  void aStreamOnFreshExecutorsRestartedFromItsCheckpointByANewDriverScoresEveryRowOnce() throws Exception {
    Path stream = Files.createDirectories(root.resolve("stream"));
    Path in = Files.createDirectories(stream.resolve("in"));
    List<String> rows = Files.readAllLines(input);
    Files.write(in.resolve("part-0.json"), rows.subList(0, FIXTURE_ROWS));
    Map<String, String> conf = conf("stream", "null");
    conf.keySet().removeAll(List.of("spark.torchscore.input.path", "spark.torchscore.input.format", "spark.torchscore.output.format"));
    String[] folders = {in.toString(), stream.resolve("out").toString(), stream.resolve("checkpoints").toString()};

    ScoringRun first = streamRun("stream-first", conf, folders);
    // A new driver, and so a new application with new executors, each with a new, empty /tmp.
    Files.write(in.resolve("part-1.json"), rows.subList(FIXTURE_ROWS, 2 * FIXTURE_ROWS));
    Files.write(in.resolve("part-2.json"), rows.subList(2 * FIXTURE_ROWS, 3 * FIXTURE_ROWS));
    ScoringRun second = streamRun("stream-second", conf, folders);

    Set<String> firstPids = pids(first);
    Set<String> secondPids = pids(second);
    assertThat(firstPids).hasSize(2);
    assertThat(secondPids).hasSize(2).doesNotContainAnyElementsOf(firstPids);
    for (ScoringRun run : List.of(first, second)) {
      assertThat(run.exitCode()).as(run.describe()).isZero();
      for (Map<String, String> view : run.events("view")) {
        assertThat(view).containsEntry("tmp", "tmpfs").containsEntry("model-visible", "false");
      }
      // The executors that scored (a small input may keep one of them idle) fetched the model from
      // their driver into their empty cache.
      assertThat(cluster.executorLogs(run.appId()).lines().filter(line -> line.contains("from the driver (spark://")))
          .as(run.describe())
          .isNotEmpty();
    }
    Map<Long, List<JsonNode>> byId =
        ScoringRun.jsonLines(stream.resolve("out")).stream()
            .collect(Collectors.groupingBy(row -> row.get("id").asLong()));
    assertThat(byId).hasSize(3 * FIXTURE_ROWS);
    assertThat(byId.values()).as("rows written more than once").allMatch(list -> list.size() == 1);
    for (Map.Entry<Long, List<JsonNode>> row : byId.entrySet()) {
      JsonNode prediction = row.getValue().get(0).get("prediction");
      if (row.getKey() % FIXTURE_ROWS == BAD_FIXTURE_ROW) {
        assertThat(prediction == null || prediction.isNull()).as("row %d", row.getKey()).isTrue();
      } else {
        assertThat(prediction.asDouble()).as("row %d", row.getKey()).isCloseTo(golden.get(row.getKey()), within(1e-5));
      }
    }
  }

  private static ScoringRun streamRun(String name, Map<String, String> conf, String... folders) throws Exception {
    Map<String, String> named = new LinkedHashMap<>(conf);
    named.put("spark.app.name", "torchscore-" + name);
    Path dir = root.resolve("runs").resolve(name);
    ScoringRun run =
        ScoringRun.runMain(
            dir, named, Map.of(), StreamingDriver.class.getName(),
            dir.resolve("job.properties").toString(), folders[0], folders[1], folders[2]);
    System.out.printf("%s: %.1f s%n%s%n", name, run.seconds(), String.join("\n", run.journal()));
    return run;
  }

  private static Set<String> pids(ScoringRun run) {
    return run.events("executor-added").stream().map(added -> added.get("pid")).collect(Collectors.toSet());
  }

  @Test
  void aHostWhoseCacheDiskIsFullIsAvoidedAndTheJobFinishesExact() throws Exception {
    // The second host's executors have a /tmp of one page: the model's cache copy cannot be written.
    Path badRoot = Files.createTempDirectory(root, "full-disk-");
    try (StandaloneCluster withFullDisk = StandaloneCluster.start(badRoot, List.of("size=2g", "size=4k"))) {
      ScoringRun run =
          ScoringRun.run(root.resolve("runs/full-disk"), conf(withFullDisk, "full-disk", "null"), Map.of());

      assertExact(run, "null");
      List<String> warnings = run.stderr().lines().filter(line -> line.contains("ExecutorProblems")).toList();
      assertThat(warnings).as(run.describe()).hasSize(1);
      assertThat(warnings.get(0))
          .contains("WARN ExecutorProblems: Executor ")
          .contains(" on " + StandaloneCluster.HOSTS.get(1) + " cannot score: Cannot cache model: cannot create or write folder /tmp/torchscore-cache-")
          .contains("No space left on device")
          .endsWith("set spark.torchscore.cache.dir to a local folder this user can write (Spark runs its tasks on other executors)");
      // A full disk is not a passing fault: no attempt waits to try the copy again for it (a
      // download cut off when the other task's copy failed may be, as any read).
      assertThat(withFullDisk.executorLogs(run.appId()).lines().filter(line -> line.contains("retrying in")))
          .noneMatch(line -> line.contains("No space left on device"));
    }
  }

  /** Faults hit while the output is written, that is while rows are scored; not in the schema scan. */
  private static Map<String, String> fault(String action, String... more) {
    Map<String, String> fault = new LinkedHashMap<>();
    fault.put("action", action);
    fault.put("stage", "StagedOutput");
    fault.put("afterTasks", "2");
    for (int i = 0; i < more.length; i += 2) {
      fault.put(more[i], more[i + 1]);
    }
    return fault;
  }

  private static Map<String, String> target(ScoringRun run, String action) {
    List<Map<String, String>> faults = run.events("fault " + action);
    assertThat(faults).as(run.describe()).hasSize(1);
    return faults.get(0);
  }

  @ParameterizedTest(name = "on.error={0}")
  @ValueSource(strings = {"null", "skip"})
  void anExecutorKilledWhileScoringLosesNoRowAndCountsNoneTwice(String onError) throws Exception {
    ScoringRun run = run("kill-" + onError, conf("kill-" + onError, onError), fault("kill"));

    Map<String, String> killed = target(run, "kill");
    assertThat(run.events("executor-removed"))
        .as(run.describe())
        .anyMatch(removed -> removed.get("id").equals(killed.get("executor")));
    assertExact(run, onError);
    assertModelLoads(run);
  }

  @Test
  void speculativeCopiesOnTheOtherHostLeaveOutputAndCountsExact() throws Exception {
    Map<String, String> conf = conf("speculation", "skip");
    conf.put("spark.speculation", "true");
    conf.put("spark.speculation.interval", "200ms");
    conf.put("spark.speculation.quantile", "0.5");
    conf.put("spark.speculation.multiplier", "2");
    conf.put("spark.speculation.minTaskRuntime", "500ms");
    // A stopped executor sends no task metrics: judge by duration alone.
    conf.put("spark.speculation.efficiency.enabled", "false");
    ScoringRun run = run("speculation", conf, fault("pause", "pauseMillis", "60000"));

    Map<String, String> paused = target(run, "pause");
    assertThat(run.events("task-end"))
        .as(run.describe())
        .anyMatch(
            task -> task.get("speculative").equals("true") && !task.get("host").equals(paused.get("host")));
    assertExact(run, "skip");
    assertModelLoads(run);
  }

  @Test
  void anExecutorDeclaredLostByItsHeartbeatThatComesBackChangesNothing() throws Exception {
    Map<String, String> conf = conf("zombie", "null");
    conf.put("spark.executor.heartbeatInterval", "1s");
    conf.put("spark.storage.blockManagerHeartbeatTimeoutMs", "10000");
    conf.put("spark.network.timeoutInterval", "1s");
    ScoringRun run = run("zombie", conf, fault("zombie"));

    Map<String, String> stopped = target(run, "zombie");
    assertThat(run.events("executor-removed"))
        .as(run.describe())
        .anyMatch(
            removed -> removed.get("id").equals(stopped.get("executor"))
                && removed.get("reason").contains("heartbeat"));
    assertThat(run.events("fault resumed")).as(run.describe()).hasSize(1);
    assertExact(run, "null");
    assertModelLoads(run);
  }
}
