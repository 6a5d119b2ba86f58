package io.torchscore.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * One real job run over the tutorial's 1000 rows, 5 of them made bad (3 without features, 2 one
 * number short) and 2 given NaN or infinite features, with {@code spark.torchscore.profile=true}:
 * its JSON report, its HTML report as headless Chromium renders it, and its profiler trace.
 */
class RunReportPageTest {

  private static final Set<Long> NULL_FEATURES = Set.of(2L, 500L, 999L);
  private static final Set<Long> SHORT_FEATURES = Set.of(10L, 20L);
  private static final long ROWS = 1000;
  // Row 100 gets a NaN and an infinite feature, row 300 a NaN one (the default nan=allow scores
  // both). NaN goes through Linear, ReLU and Linear, so each row's one prediction is NaN.
  private static final long NAN_AND_INFINITE_ROW = 100;
  private static final long NAN_ROW = 300;
  private static final Path SCREENSHOT = Paths.get("target", "html-report", "report.png");

  @TempDir static Path dir;

  private static JsonNode report;
  private static Path html;
  private static String dom;

  @BeforeAll
  static void runTheJob() throws IOException {
    Path input = dir.resolve("input.jsonl");
    ObjectMapper json = new ObjectMapper();
    // NaN and Infinity as JSON number tokens, which Spark's reader takes (allowNonNumericNumbers).
    ObjectWriter writer = json.writer().without(JsonWriteFeature.WRITE_NAN_AS_STRINGS);
    List<String> lines = new ArrayList<>();
    for (String line : Files.readAllLines(Paths.get("src/test/resources/fixtures/tutorial_mlp.jsonl"))) {
      ObjectNode row = (ObjectNode) json.readTree(line);
      long id = row.get("id").asLong();
      if (NULL_FEATURES.contains(id)) {
        row.putNull("features");
      } else if (SHORT_FEATURES.contains(id)) {
        ((ArrayNode) row.get("features")).remove(9);
      } else if (id == NAN_AND_INFINITE_ROW) {
        ((ArrayNode) row.get("features")).set(3, DoubleNode.valueOf(Double.NaN));
        ((ArrayNode) row.get("features")).set(7, DoubleNode.valueOf(Double.POSITIVE_INFINITY));
      } else if (id == NAN_ROW) {
        ((ArrayNode) row.get("features")).set(0, DoubleNode.valueOf(Double.NaN));
      }
      lines.add(writer.writeValueAsString(row));
    }
    Files.write(input, lines);
    report =
        runJob(
            input,
            dir,
            List.of(
                "spark.torchscore.on.error=null",
                "spark.torchscore.profile=true",
                "spark.torchscore.profile.batches=3"));
    html = dir.resolve("report.html");
  }

  /** Runs the job over a tutorial-shaped input into a folder and returns its JSON report. */
  private static JsonNode runJob(Path input, Path folder, List<String> settings) throws IOException {
    Path properties = folder.resolve("job.properties");
    List<String> lines =
        new ArrayList<>(
            List.of(
                "spark.master=local[2]",
                "spark.ui.enabled=false",
                // Several partitions, so that the throughput chart has several to add up.
                "spark.sql.files.maxPartitionBytes=40000",
                "spark.torchscore.model.path=" + Paths.get("src/test/resources/fixtures/tutorial_mlp.pt").toAbsolutePath(),
                "spark.torchscore.input.path=" + input,
                "spark.torchscore.input.format=json",
                "spark.torchscore.features=features",
                "spark.torchscore.input.shape=10",
                "spark.torchscore.batch.size=50",
                "spark.torchscore.output.path=" + folder.resolve("scored"),
                "spark.torchscore.report.path=" + folder.resolve("report.json")));
    lines.addAll(settings);
    Files.write(properties, lines);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        new CommandLine(new ScoreCommand())
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true))
            .execute("--properties-file", properties.toString());
    assertThat(code).as(out + "\n" + err).isZero();
    return new ObjectMapper().readTree(folder.resolve("report.json").toFile());
  }

  /** Returns the HTML report's DOM as headless Chromium builds it, read once. */
  private static String dom() throws IOException, InterruptedException {
    if (dom == null) {
      dom = chromium("--dump-dom", html.toUri().toString());
    }
    return dom;
  }

  @Test
  void theJsonReportKeepsItsCountsAndGainsTimingsThatAddUp() {
    assertThat(report.get("rows_scored").asLong()).isEqualTo(ROWS - NULL_FEATURES.size() - SHORT_FEATURES.size());
    assertThat(report.get("bad_rows_by_reason").get("null_features").asLong()).isEqualTo(NULL_FEATURES.size());
    assertThat(report.get("bad_rows_by_reason").get("wrong_shape").asLong()).isEqualTo(SHORT_FEATURES.size());
    long batches = report.get("batches").asLong();
    // No forward failed, so every forward call is one batch of each stage's histogram.
    for (String stage : List.of("encode", "forward", "decode", "total")) {
      assertThat(sum(report.get("batch_time_histogram").get(stage))).as(stage).isEqualTo(batches);
      JsonNode percentiles = report.get("batch_time_ms").get(stage);
      assertThat(percentiles.get("p50").asDouble()).as(stage).isPositive();
      assertThat(percentiles.get("p50").asDouble()).isLessThanOrEqualTo(percentiles.get("p90").asDouble());
      assertThat(percentiles.get("p90").asDouble()).isLessThanOrEqualTo(percentiles.get("p99").asDouble());
    }
    assertThat(report.get("batch_time_histogram").get("bucket_lower_ms").get(11).asDouble()).isEqualTo(1.0);
    assertThat(sum(report.get("throughput").get("rows"))).isEqualTo(report.get("rows_scored").asLong());
    assertThat(report.get("model_load_ms")).hasSize(report.get("model_loads").asInt());
    assertThat(report.get("settings").get("spark.torchscore.batch.size").asText()).isEqualTo("50");
    assertThat(report.get("settings").get("spark.master").asText()).isEqualTo("local[2]");
  }

  @Test
  void theJsonReportCountsTheNanAndInfiniteValues() {
    assertThat(report.get("nan_input_values").asLong()).isEqualTo(2);
    assertThat(report.get("infinite_input_values").asLong()).isEqualTo(1);
    assertThat(report.get("nan_output_values").asLong()).isEqualTo(2);
  }

  @Test
  void theHtmlReportDrawsEveryChartWithTheRunsNumbers() throws Exception {
    String dom = dom();
    Files.createDirectories(SCREENSHOT.getParent());
    Files.copy(html, SCREENSHOT.resolveSibling("report.html"), StandardCopyOption.REPLACE_EXISTING);
    Files.deleteIfExists(SCREENSHOT);
    chromium("--screenshot=" + SCREENSHOT.toAbsolutePath(), "--window-size=820,2600", html.toUri().toString());

    // Throughput: one bar per time bucket, the bars' rows adding up to the rows scored, placed by
    // the partitions' batches (PartitionTimelineTest holds how).
    assertThat(dom).contains("placed by when each partition's batches ended");
    List<Map<String, String>> throughput = bars(svg(dom, "throughput"));
    assertThat(throughput).hasSize(report.get("throughput").get("rows").size());
    assertThat(throughput.stream().mapToLong(bar -> Long.parseLong(bar.get("data-rows"))).sum())
        .isEqualTo(ROWS - NULL_FEATURES.size() - SHORT_FEATURES.size());

    // Batch times: one bar per stage and bucket with batches, each with the report's count.
    List<Map<String, String>> times = bars(svg(dom, "batch-times"));
    long bucketsWithCounts = 0;
    for (String stage : List.of("encode", "forward", "decode")) {
      JsonNode counts = report.get("batch_time_histogram").get(stage);
      for (int bucket = 0; bucket < counts.size(); bucket++) {
        if (counts.get(bucket).asLong() > 0) {
          bucketsWithCounts++;
        }
      }
    }
    assertThat(times).hasSize((int) bucketsWithCounts);
    for (Map<String, String> bar : times) {
      long expected =
          report.get("batch_time_histogram").get(bar.get("data-stage")).get(Integer.parseInt(bar.get("data-bucket"))).asLong();
      assertThat(Long.parseLong(bar.get("data-count"))).as(bar.toString()).isEqualTo(expected);
    }

    // Bad rows: a bar per reason, with the counts made bad on purpose.
    Map<String, Long> badRows = new HashMap<>();
    for (Map<String, String> bar : bars(svg(dom, "bad-rows"))) {
      badRows.put(bar.get("data-reason"), Long.parseLong(bar.get("data-count")));
    }
    assertThat(badRows).hasSize(report.get("bad_rows_by_reason").size());
    assertThat(badRows).containsEntry("null_features", (long) NULL_FEATURES.size());
    assertThat(badRows).containsEntry("wrong_shape", (long) SHORT_FEATURES.size());
    assertThat(badRows.values().stream().mapToLong(Long::longValue).sum())
        .isEqualTo(report.get("rows_nulled").asLong());

    // Model loads: a bar per load, with its time.
    JsonNode loads = report.get("model_load_ms");
    if (loads.isEmpty()) {
      assertThat(dom).contains("id=\"model-loads-empty\"");
    } else {
      List<Map<String, String>> loadBars = bars(svg(dom, "model-loads"));
      assertThat(loadBars).hasSize(loads.size());
      for (int i = 0; i < loads.size(); i++) {
        assertThat(Double.parseDouble(loadBars.get(i).get("data-ms"))).isCloseTo(loads.get(i).get("ms").asDouble(), within(0.001));
      }
    }

    // Settings: the report's, one row each.
    Set<String> keys = new HashSet<>();
    Matcher row = Pattern.compile("<tr data-key=\"([^\"]+)\">").matcher(dom);
    while (row.find()) {
      keys.add(row.group(1));
    }
    Set<String> expectedKeys = new HashSet<>();
    report.get("settings").fieldNames().forEachRemaining(expectedKeys::add);
    assertThat(keys).isEqualTo(expectedKeys).contains("spark.torchscore.on.error");

    byte[] png = Files.readAllBytes(SCREENSHOT);
    assertThat(png.length).isGreaterThan(10_000);
    assertThat(new String(png, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
  }

  @Test
  void thePageShowsTheNanAndInfiniteValuesAndTheNanBarSaysTheyWereScored() throws Exception {
    String dom = dom();

    Map<String, String> summary = attributes(tag(dom, "<table id=\"summary\""));
    assertThat(summary).containsEntry("data-nan-inputs", "2").containsEntry("data-infinite-inputs", "1").containsEntry("data-nan-outputs", "2");
    assertThat(dom).contains("<td>features: 2 NaN, 1 infinite; predictions: 2 NaN (spark.torchscore.nan=allow: rows with such features are scored)</td>");
    // No row was bad for NaN (nan=allow), and the bar says what its 0 leaves out.
    String nanBar = svg(dom, "bad-rows").split("data-reason=\"nan\"", 2)[1];
    assertThat(nanBar).startsWith(" data-count=\"0\"");
    assertThat(nanBar.substring(nanBar.indexOf("<text class=\"value\""))).contains(">0 (nan=allow scored 2 NaN and 1 infinite feature values)</text>");
  }

  @Test
  void thePageGivesTheScoringRateBesideTheWallTimeRate() throws Exception {
    String dom = dom();
    double scoringRate = report.get("scoring_rows_per_s").asDouble();

    Map<String, String> summary = attributes(tag(dom, "<table id=\"summary\""));
    assertThat(Double.parseDouble(summary.get("data-scoring-rows-per-s"))).isCloseTo(scoringRate, within(0.05));
    assertThat(Double.parseDouble(summary.get("data-rows-per-s"))).isCloseTo(report.get("rows_per_s").asDouble(), within(0.05));
    // Scoring is part of the wall time, so it runs at least as fast.
    assertThat(scoringRate).isGreaterThanOrEqualTo(report.get("rows_per_s").asDouble());
    assertThat(dom)
        .contains(
            String.format(
                Locale.ROOT, "<td>%,.0f rows/s over the %.2f s the scoring stages ran", scoringRate, report.get("scoring_seconds").asDouble()));
    // The throughput chart draws it as a line inside its plot (y from 16 to 176).
    Map<String, String> line = attributes(tag(svg(dom, "throughput"), "<line class=\"rate\""));
    assertThat(Double.parseDouble(line.get("data-rows-per-s"))).isCloseTo(scoringRate, within(0.05));
    assertThat(Double.parseDouble(line.get("y1"))).isBetween(16.0, 176.0);
  }

  @Test
  void theBatchTimeAxisTicksEachDecadeAndTwoAndFiveOnlyBelowThreeDecades() throws Exception {
    // The axis spans the buckets with batches: from the first one's lower bound to the last one's upper.
    int first = Integer.MAX_VALUE;
    int last = -1;
    for (String stage : List.of("encode", "forward", "decode")) {
      JsonNode counts = report.get("batch_time_histogram").get(stage);
      for (int bucket = 0; bucket < counts.size(); bucket++) {
        if (counts.get(bucket).asLong() > 0) {
          first = Math.min(first, bucket);
          last = Math.max(last, bucket);
        }
      }
    }
    JsonNode lower = report.get("batch_time_histogram").get("bucket_lower_ms");
    double low = lower.get(Math.max(first, 1)).asDouble();
    double high = lower.get(last + 1).asDouble();
    // Bucket bounds are powers of ten computed in floating point: 3 decades may come out a hair short.
    boolean fewerThanThreeDecades = high / low < 1000 * (1 - 1e-6);

    List<Double> ticks = new ArrayList<>();
    Matcher tick = Pattern.compile("<line class=\"axis tick\" data-ms=\"([^\"]+)\"").matcher(svg(dom(), "batch-times"));
    while (tick.find()) {
      ticks.add(Double.parseDouble(tick.group(1)));
    }
    List<Double> expected = new ArrayList<>();
    for (double decade = 0.1; decade <= high * 1.001; decade *= 10) {
      for (double step : fewerThanThreeDecades ? new double[] {1, 2, 5} : new double[] {1}) {
        if (step * decade >= low * 0.999 && step * decade <= high * 1.001) {
          expected.add(step * decade);
        }
      }
    }
    assertThat(ticks).as("from %s to %s ms", low, high).hasSameSizeAs(expected);
    for (int i = 0; i < ticks.size(); i++) {
      assertThat(ticks.get(i)).isCloseTo(expected.get(i), within(expected.get(i) * 1e-6));
    }
  }

  @Test
  void aRunWithoutBadRowsSaysSoInsteadOfDrawingAnEmptyChart() throws Exception {
    Path folder = Files.createDirectories(dir.resolve("clean"));
    JsonNode clean = runJob(Paths.get("src/test/resources/fixtures/tutorial_mlp.jsonl").toAbsolutePath(), folder, List.of());
    assertThat(clean.get("rows_scored").asLong()).isEqualTo(ROWS);

    String page = chromium("--dump-dom", folder.resolve("report.html").toUri().toString());

    assertThat(page).doesNotContain("<svg id=\"bad-rows\"").contains("<p class=\"empty\" id=\"bad-rows-empty\">No bad rows: every row read was scored.</p>");
    assertThat(page).contains("<td>features: 0 NaN, 0 infinite; predictions: 0 NaN");
    assertThat(page).contains("<svg id=\"throughput\"", "<svg id=\"batch-times\"");
  }

  @Test
  void theProfilerWroteAChromeTraceOfAtenOperatorsBesideTheReport() throws IOException {
    JsonNode traces = report.get("profile_traces");
    assertThat(traces).hasSize(1);
    Path trace = Paths.get(java.net.URI.create(traces.get(0).asText()));
    assertThat(trace.getParent()).isEqualTo(dir.toRealPath());
    JsonNode events = new ObjectMapper().readTree(trace.toFile());
    assertThat(events.isArray()).isTrue();
    Set<String> names = new HashSet<>();
    for (JsonNode event : events) {
      assertThat(event.get("ph").asText()).isEqualTo("X");
      names.add(event.get("name").asText());
    }
    // The tutorial MLP is Linear -> ReLU -> Linear: libtorch runs linear as addmm.
    assertThat(names).contains("aten::linear", "aten::addmm", "aten::relu");
  }

  private static long sum(JsonNode numbers) {
    long total = 0;
    for (JsonNode number : numbers) {
      total += number.asLong();
    }
    return total;
  }

  /** Returns one chart's markup, from its opening svg tag to its closing one. */
  private static String svg(String dom, String id) {
    int start = dom.indexOf("<svg id=\"" + id + "\"");
    assertThat(start).as("chart " + id).isNotNegative();
    return dom.substring(start, dom.indexOf("</svg>", start));
  }

  /** Returns the first tag that starts with a prefix. */
  private static String tag(String markup, String prefix) {
    int start = markup.indexOf(prefix);
    assertThat(start).as(prefix).isNotNegative();
    return markup.substring(start, markup.indexOf('>', start) + 1);
  }

  /** Returns a tag's attributes. */
  private static Map<String, String> attributes(String tag) {
    Map<String, String> attributes = new HashMap<>();
    Matcher attribute = Pattern.compile("([a-z0-9-]+)=\"([^\"]*)\"").matcher(tag);
    while (attribute.find()) {
      attributes.put(attribute.group(1), attribute.group(2));
    }
    return attributes;
  }

  /** Returns the data attributes of each bar of a chart. */
  private static List<Map<String, String>> bars(String svg) {
    List<Map<String, String>> bars = new ArrayList<>();
    Matcher rect = Pattern.compile("<rect class=\"bar\"([^>]*)>").matcher(svg);
    while (rect.find()) {
      Map<String, String> attributes = new HashMap<>();
      Matcher attribute = Pattern.compile("(data-[a-z-]+)=\"([^\"]*)\"").matcher(rect.group(1));
      while (attribute.find()) {
        attributes.put(attribute.group(1), attribute.group(2));
      }
      bars.add(attributes);
    }
    return bars;
  }

  /** Runs headless Chromium (Debian's {@code chromium}) and returns what it printed. */
  private static String chromium(String... args) throws IOException, InterruptedException {
    String binary = null;
    for (String name : List.of("chromium", "chromium-browser")) {
      for (String folder : System.getenv("PATH").split(File.pathSeparator)) {
        if (binary == null && Files.isExecutable(Paths.get(folder, name))) {
          binary = Paths.get(folder, name).toString();
        }
      }
    }
    Assumptions.assumeTrue(binary != null, "chromium is not installed (apt-get install -y chromium; .ci/run does)");
    List<String> command =
        new ArrayList<>(
            List.of(
                binary,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--user-data-dir=" + dir.resolve("chromium-profile")));
    command.addAll(List.of(args));
    Path output = dir.resolve("chromium.out");
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(output.toFile())
            .redirectError(dir.resolve("chromium.err").toFile())
            .start();
    assertThat(process.waitFor(180, TimeUnit.SECONDS)).as("chromium finished in 180 s").isTrue();
    assertThat(process.exitValue()).as(Files.readString(dir.resolve("chromium.err"))).isZero();
    return Files.readString(output);
  }
}
