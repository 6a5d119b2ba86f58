package io.torchscore.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.torchscore.spark.LatencyHistogram;
import io.torchscore.spark.ModelLoad;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;

/** The HTML report's markup for a report made by hand, without a browser. */
class HtmlReportTest {

  private static RunReport report(Map<String, String> settings) {
    Map<String, Long> badRows = new LinkedHashMap<>();
    badRows.put("null_features", 4L);
    badRows.put("wrong_shape", 0L);
    return report(settings, badRows, new long[] {100, 0, 200}, new RunReport.NonFinite(0, 0, 0));
  }

  /** 300 rows scored in 1.5 s of wall time, 1.0 s of it scoring, in batches of 100. */
  private static RunReport report(
      Map<String, String> settings, Map<String, Long> badRows, long[] rowsPerHalfSecond, RunReport.NonFinite nonFinite) {
    long[] encode = new long[LatencyHistogram.BUCKETS];
    encode[11] = 3; // 1 ms
    long[] forward = new long[LatencyHistogram.BUCKETS];
    forward[21] = 2; // 10 ms
    forward[22] = 1;
    long[] decode = new long[LatencyHistogram.BUCKETS];
    decode[0] = 3; // under 0.1 ms
    long[] total = new long[LatencyHistogram.BUCKETS];
    total[22] = 3;
    Map<String, LatencyHistogram> times = new LinkedHashMap<>();
    times.put("encode", new LatencyHistogram(encode));
    times.put("forward", new LatencyHistogram(forward));
    times.put("decode", new LatencyHistogram(decode));
    times.put("total", new LatencyHistogram(total));
    return new RunReport(
        "/m.pt",
        "/in",
        "/out",
        "parquet",
        null,
        300,
        badRows.values().stream().mapToLong(Long::longValue).sum(),
        0,
        badRows,
        3,
        2,
        100,
        false,
        1.5,
        1.0,
        new RunReport.DeviceUse(Map.of("cpu", 2L), 0, 0, 0),
        new RunReport.Details(
            times,
            new Throughput(1_000, 500, rowsPerHalfSecond),
            List.of(
                new ModelLoad("driver", "host-a", 120.5),
                new ModelLoad("1", "host-b", 80.25)),
            settings,
            List.of()),
        nonFinite,
        List.of());
  }

  private static Map<String, Long> badRows(String reason, long count, String otherReason) {
    Map<String, Long> badRows = new LinkedHashMap<>();
    badRows.put(reason, count);
    badRows.put(otherReason, 0L);
    return badRows;
  }

  @Test
  void everyChartCarriesItsNumbers() {
    String html = HtmlReport.render(report(Map.of("spark.torchscore.batch.size", "100")));

    // Throughput: three buckets of 0.5 s; 100 rows in 0.5 s is 200 rows/s.
    assertThat(html).contains("data-bucket=\"0\" data-start-ms=\"0\" data-rows=\"100\" data-rows-per-s=\"200.0\"");
    assertThat(html).contains("data-bucket=\"2\" data-start-ms=\"1000\" data-rows=\"200\" data-rows-per-s=\"400.0\"");
    // Batch times: one bar per stage and bucket with batches (1 + 2 + 1), not the total's.
    assertThat(html.split("data-stage=\"encode\" data-bucket", -1)).hasSize(2);
    assertThat(html.split("data-stage=\"forward\" data-bucket", -1)).hasSize(3);
    assertThat(html).contains("data-stage=\"encode\" data-bucket=\"11\" data-lower-ms=\"1\" data-count=\"3\"");
    assertThat(html).contains("data-stage=\"decode\" data-bucket=\"0\" data-lower-ms=\"0\" data-count=\"3\"");
    assertThat(html).doesNotContain("data-stage=\"total\" data-bucket");
    // p50 of forward: the 2nd of 3 batches, in bucket 21, whose upper bound is 0.1 * 10^2.1 = 12.589 ms
    // (shown to 0.1 ms from 10 ms up).
    assertThat(html).contains("<tr data-stage=\"forward\"><td>forward</td><td class=\"num\" data-count=\"3\">3</td>"
        + "<td class=\"num\" data-p=\"50\">&le; 12.6</td>");
    assertThat(html).contains("data-reason=\"null_features\" data-count=\"4\"", "data-reason=\"wrong_shape\" data-count=\"0\"");
    assertThat(html).contains("data-executor=\"driver\" data-host=\"host-a\" data-ms=\"120.5\"");
    assertThat(html).contains("data-executor=\"1\" data-host=\"host-b\" data-ms=\"80.25\"");
    assertThat(html).contains("<tr data-key=\"spark.torchscore.batch.size\"><td>spark.torchscore.batch.size</td><td>100</td></tr>");
  }

  @Test
  void theBatchSizesAutoChoseAreListedAndAFixedSizeListsNone() {
    RunReport fixed = report(Map.of());
    RunReport auto =
        new RunReport(
            fixed.model(), fixed.input(), fixed.output(), fixed.outputFormat(), fixed.rejects(), fixed.rowsScored(),
            fixed.rowsNulled(), fixed.rowsSkipped(), fixed.badRowsByReason(), fixed.batches(), fixed.modelLoads(),
            fixed.batchSize(), true, fixed.seconds(), fixed.scoringSeconds(), fixed.devices(), fixed.details(), fixed.nonFinite(),
            List.of(new io.torchscore.spark.BatchSizeChoices.Choice("1", "gpu(0)", 256, 1_250)));

    assertThat(HtmlReport.render(auto))
        .contains("<tr><th>batch size auto</th><td>executor 1 gpu(0): 256 rows (timed 1,250 ms)</td></tr>");
    assertThat(HtmlReport.render(fixed)).doesNotContain("batch size auto");
  }

  @Test
  void theScoringRateStandsBesideTheWallTimeRateAndOnTheThroughputChart() {
    String html = HtmlReport.render(report(Map.of()));

    // 300 rows: 300 rows/s over 1.0 s of scoring, 200 rows/s over 1.5 s of wall time.
    assertThat(html).contains("data-rows-per-s=\"200.0\" data-scoring-rows-per-s=\"300.0\"");
    assertThat(html).contains("<td>300 rows/s over the 1.00 s the scoring stages ran");
    assertThat(html).contains("<td>1.50 s (200 rows/s, Spark&#39;s and the model&#39;s start-up included)</td>");
    // The y axis reaches 500 rows/s (the 400 of the last bucket, rounded up); the plot is 160 px
    // high from y = 16, so 300 rows/s sits at 176 - 160 * 300 / 500 = 80.
    assertThat(html).contains("<line class=\"rate\" data-rows-per-s=\"300.0\" x1=\"80\" y1=\"80.0\" x2=\"740\" y2=\"80.0\">");
  }

  @Test
  void nanAndInfiniteValuesAreShownAndTheNanBarSaysWhatNanAllowScored() {
    String html =
        HtmlReport.render(
            report(Map.of(), badRows("null_features", 4, "nan"), new long[] {100, 0, 200}, new RunReport.NonFinite(1, 2, 10)));

    assertThat(html).contains("data-nan-inputs=\"1\" data-infinite-inputs=\"2\" data-nan-outputs=\"10\"");
    assertThat(html)
        .contains("<th>NaN / Inf values</th><td>features: 1 NaN, 2 infinite; predictions: 10 NaN"
            + " (spark.torchscore.nan=allow: rows with such features are scored)</td>");
    // nan=allow (the default) makes no bad rows of them: the bar's 0 says why.
    assertThat(html).contains("data-reason=\"nan\" data-count=\"0\"");
    assertThat(html).contains(">0 (nan=allow scored 1 NaN and 2 infinite feature values)</text>");
  }

  @Test
  void withNanRejectTheNanBarCountsTheRowsItMadeBad() {
    String html =
        HtmlReport.render(
            report(
                Map.of("spark.torchscore.nan", "reject"),
                badRows("nan", 3, "null_features"),
                new long[] {100, 0, 200},
                new RunReport.NonFinite(1, 2, 0)));

    assertThat(html).contains("features: 1 NaN, 2 infinite; predictions: 0 NaN"
        + " (spark.torchscore.nan=reject: rows with such features are bad rows (nan))");
    assertThat(html).contains("data-reason=\"nan\" data-count=\"3\"").contains(">3</text>").doesNotContain("nan=allow scored");
  }

  @Test
  void aChartWhoseEveryValueIsZeroIsNotDrawn() {
    String html =
        HtmlReport.render(
            report(Map.of(), badRows("null_features", 0, "nan"), new long[] {0, 0}, new RunReport.NonFinite(0, 0, 0)));

    assertThat(html).doesNotContain("<svg id=\"bad-rows\"", "<svg id=\"throughput\"");
    assertThat(html).contains("<p class=\"empty\" id=\"bad-rows-empty\">No bad rows: every row read was scored.</p>");
    assertThat(html).contains("<p class=\"empty\" id=\"throughput-empty\">No task scored rows.</p>");
  }

  @Test
  void logAxesTickEachDecadeWithTwoAndFiveOnlyBelowThreeDecades() {
    assertThat(SvgChart.logTicks(0.1, 15.85)).containsExactly(0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0);
    // 1 to 999 is 2.9996 decades; 1 to 1000 is 3.
    assertThat(SvgChart.logTicks(1, 999)).containsExactly(1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0);
    assertThat(SvgChart.logTicks(1, 1000)).containsExactly(1.0, 10.0, 100.0, 1000.0);
    assertThat(SvgChart.logTicks(0.1995, 1258.9)).containsExactly(1.0, 10.0, 100.0, 1000.0);
    // Buckets 12 to 41: 1.2589 to 1258.9 ms, three decades, though their bounds' ratio computes a hair under 1000.
    assertThat(SvgChart.logTicks(LatencyHistogram.lowerMillis(12), LatencyHistogram.lowerMillis(42))).containsExactly(10.0, 100.0, 1000.0);
  }

  @Test
  void theBatchTimeAxisIsTickedByTheLogRule() {
    String html = HtmlReport.render(report(Map.of()));

    // Buckets 0 (under 0.1 ms) to 22 (up to 0.1 * 10^2.2 = 15.85 ms): 2.2 decades from 0.1 ms.
    List<String> ticks = new ArrayList<>();
    Matcher tick = Pattern.compile("class=\"axis tick\" data-ms=\"([^\"]+)\"").matcher(html);
    while (tick.find()) {
      ticks.add(tick.group(1));
    }
    assertThat(ticks).containsExactly("0.1", "0.2", "0.5", "1", "2", "5", "10");
    // 23 buckets over 660 px; 1 ms is where bucket 11 starts: 80 + 660 * 11 / 23 = 395.65.
    assertThat(html).contains("data-ms=\"1\" x1=\"395.7\"");
  }

  @Test
  void theSettingsAreEscapedAndThePageLoadsNothing() {
    String html = HtmlReport.render(report(Map.of("spark.torchscore.key.column", "<script>alert(1)</script>")));

    assertThat(html).contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script");
    // Offline: no script, stylesheet or image is fetched; the only URL is SVG's namespace name.
    assertThat(html.replace("xmlns=\"http://www.w3.org/2000/svg\"", ""))
        .doesNotContain("http:", "https:", "<link", "src=", "url(");
  }

  @Test
  void theHtmlReportSitsBesideTheJsonReport() {
    assertThat(HtmlReport.beside(new Path("s3a://bucket/runs/report.json"))).isEqualTo(new Path("s3a://bucket/runs/report.html"));
    assertThat(HtmlReport.beside(new Path("/tmp/run-summary"))).isEqualTo(new Path("/tmp/run-summary.html"));
  }
}
