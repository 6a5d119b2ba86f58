package io.torchscore.job;

import io.torchscore.config.ConfKeys;
import io.torchscore.spark.LatencyHistogram;
import io.torchscore.spark.ModelLoad;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.fs.Path;

/**
 * Renders a run report as one HTML page that opens offline: a summary, charts drawn as inline SVG
 * (throughput over time, batch time per stage, bad rows by reason, model load time per executor)
 * and the settings used. Every bar carries its numbers in {@code data-*} attributes and a
 * tooltip, so the page can be read by a test as well as by people. A chart with nothing but zeros
 * is not drawn: a line says so instead.
 *
 * <p>Every log axis is ticked by one rule ({@link #logTicks}): each power of ten, and 2 and 5
 * times each when the axis spans fewer than three decades.
 */
final class HtmlReport {

  private static final int WIDTH = 760;
  private static final int LEFT = 80;
  private static final int RIGHT = 20;
  private static final int TOP = 16;
  private static final int BOTTOM = 44;
  private static final int PLOT_WIDTH = WIDTH - LEFT - RIGHT;
  private static final String[] STAGES = {"encode", "forward", "decode"};
  private static final String[] STAGE_COLORS = {"#4e79a7", "#f28e2b", "#59a14f"};
  // Grid lines per axis: with 1, 2 or 5 times a power of ten at the top, counts from 10 get whole ticks.
  private static final int TICKS = 5;

  private HtmlReport() {}

  /**
   * Returns where the HTML report of a JSON report goes: the same name with {@code .html}.
   *
   * @param json the JSON report's path
   * @return the HTML report's path
   */
  static Path beside(Path json) {
    String name = json.getName();
    String stem = name.endsWith(".json") ? name.substring(0, name.length() - ".json".length()) : name;
    return new Path(json.getParent(), stem + ".html");
  }

  /**
   * Returns the report as a self-contained HTML page.
   *
   * @param report the run's report
   * @return the page
   */
  static String render(RunReport report) {
    StringBuilder html = new StringBuilder();
    html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<title>torchscore run report</title>\n<style>\n")
        .append("body{font-family:system-ui,sans-serif;margin:24px auto;max-width:")
        .append(WIDTH + 40)
        .append("px;color:#222}\n")
        .append("h1{font-size:22px}h2{font-size:17px;margin-top:28px}\n")
        .append("table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}\n")
        .append("td.num{text-align:right}svg text{font-size:11px;fill:#333}.axis{stroke:#888}.grid{stroke:#eee}\n")
        .append(".rate{stroke:#222;stroke-dasharray:6 4}\n")
        .append(".legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;vertical-align:middle}\n")
        .append(".empty{color:#777;font-style:italic}\n")
        .append("</style>\n</head>\n<body>\n<h1>torchscore run report</h1>\n");
    summary(html, report);
    throughput(html, report);
    batchTimes(html, report.details().batchTimes());
    badRows(html, report);
    modelLoads(html, report.details().modelLoads());
    settings(html, report.details().settings());
    traces(html, report.details().profileTraces());
    html.append("</body>\n</html>\n");
    return html.toString();
  }

  private static void summary(StringBuilder html, RunReport report) {
    html.append("<table id=\"summary\" data-rows-scored=\"")
        .append(report.rowsScored())
        .append("\" data-rows-nulled=\"")
        .append(report.rowsNulled())
        .append("\" data-rows-skipped=\"")
        .append(report.rowsSkipped())
        .append("\" data-batches=\"")
        .append(report.batches())
        .append(String.format(Locale.ROOT, "\" data-rows-per-s=\"%.1f\" data-scoring-rows-per-s=\"%.1f\"", report.rowsPerSecond(), report.scoringRowsPerSecond()))
        .append("\" data-nan-inputs=\"")
        .append(report.nonFinite().nanInputs())
        .append("\" data-infinite-inputs=\"")
        .append(report.nonFinite().infiniteInputs())
        .append("\" data-nan-outputs=\"")
        .append(report.nonFinite().nanOutputs())
        .append("\">\n");
    row(html, "model", report.model());
    row(html, "input", report.input());
    row(html, "output", report.output() + " (" + report.outputFormat() + ")");
    row(html, "rows scored", String.format(Locale.ROOT, "%,d", report.rowsScored()));
    row(html, "bad rows", String.format(Locale.ROOT, "%,d nulled, %,d skipped", report.rowsNulled(), report.rowsSkipped()));
    row(html, "batches", String.format(Locale.ROOT, "%,d of up to %,d rows", report.batches(), report.batchSize()));
    row(
        html,
        "scoring rate",
        String.format(
            Locale.ROOT,
            "%,.0f rows/s over the %.2f s the scoring stages ran (reading, scoring and writing rows)",
            report.scoringRowsPerSecond(),
            report.scoringSeconds()));
    row(
        html,
        "wall time",
        String.format(Locale.ROOT, "%.2f s (%,.0f rows/s, Spark's and the model's start-up included)", report.seconds(), report.rowsPerSecond()));
    RunReport.NonFinite nonFinite = report.nonFinite();
    row(
        html,
        "NaN / Inf values",
        String.format(
            Locale.ROOT,
            "features: %,d NaN, %,d infinite; predictions: %,d NaN (%s)",
            nonFinite.nanInputs(),
            nonFinite.infiniteInputs(),
            nonFinite.nanOutputs(),
            rejectsNaN(report)
                ? "spark.torchscore.nan=reject: rows with such features are bad rows (nan)"
                : "spark.torchscore.nan=allow: rows with such features are scored"));
    html.append("</table>\n");
  }

  /** Returns whether the run made rows with NaN or infinite features bad rows. */
  private static boolean rejectsNaN(RunReport report) {
    return "reject".equals(report.details().settings().getOrDefault(ConfKeys.NAN.key(), ConfKeys.NAN.defaultValue()));
  }

  private static void row(StringBuilder html, String name, String value) {
    html.append("<tr><th>").append(escape(name)).append("</th><td>").append(escape(value)).append("</td></tr>\n");
  }

  /**
   * Rows per second in each time bucket, as vertical bars, as the partitions measured them, and
   * the scoring rate as a dashed line.
   */
  private static void throughput(StringBuilder html, RunReport report) {
    html.append("<h2>Throughput over time</h2>\n");
    Throughput series = report.details().throughput();
    long[] rows = series.rows();
    if (Arrays.stream(rows).allMatch(count -> count == 0)) {
      html.append("<p class=\"empty\" id=\"throughput-empty\">No task scored rows.</p>\n");
      return;
    }
    double bucketSeconds = series.bucketMillis() / 1000.0;
    double scoringRate = report.scoringRowsPerSecond();
    double top = scoringRate;
    for (long count : rows) {
      top = Math.max(top, count / bucketSeconds);
    }
    top = niceCeiling(top);
    html.append(
        String.format(
            Locale.ROOT,
            "<p id=\"throughput-note\">Rows scored in each %s s, placed by when each partition's batches ended: a"
                + " batch's rows are spread over the time since the partition's previous batch ended (or since"
                + " it started). Dashed: the scoring rate, %,.0f rows/s.</p>\n",
            number(bucketSeconds),
            scoringRate));
    int height = 220;
    int plot = height - TOP - BOTTOM;
    html.append(svgOpen("throughput", height))
        .append(" data-bucket-ms=\"")
        .append(series.bucketMillis())
        .append("\" data-rows-scored=\"")
        .append(report.rowsScored())
        .append("\">\n");
    yAxis(html, top, plot, "rows/s");
    double barWidth = PLOT_WIDTH / (double) rows.length;
    for (int i = 0; i < rows.length; i++) {
      double perSecond = rows[i] / bucketSeconds;
      double barHeight = plot * perSecond / top;
      double x = LEFT + i * barWidth;
      html.append(
          String.format(
              Locale.ROOT,
              "<rect class=\"bar\" data-bucket=\"%d\" data-start-ms=\"%d\" data-rows=\"%d\" data-rows-per-s=\"%.1f\""
                  + " x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#4e79a7\">"
                  + "<title>%.1f-%.1f s: %,d rows (%,.0f rows/s)</title></rect>\n",
              i,
              i * series.bucketMillis(),
              rows[i],
              perSecond,
              x + 0.5,
              TOP + plot - barHeight,
              Math.max(barWidth - 1, 0.5),
              barHeight,
              i * bucketSeconds,
              (i + 1) * bucketSeconds,
              rows[i],
              perSecond));
    }
    double rateY = TOP + plot - plot * scoringRate / top;
    html.append(
        String.format(
            Locale.ROOT,
            "<line class=\"rate\" data-rows-per-s=\"%.1f\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"><title>scoring rate: %,.0f rows/s</title></line>\n",
            scoringRate,
            LEFT,
            rateY,
            WIDTH - RIGHT,
            rateY,
            scoringRate));
    int labelEvery = Math.max(1, (int) Math.ceil(rows.length / 10.0));
    for (int i = 0; i <= rows.length; i += labelEvery) {
      xLabel(html, LEFT + i * barWidth, TOP + plot, String.format(Locale.ROOT, "%.1f", i * bucketSeconds));
    }
    axisTitle(html, LEFT + PLOT_WIDTH / 2.0, TOP + plot + 34, "seconds since the first partition started");
    html.append("</svg>\n");
  }

  /** Batches per duration bucket for each stage, as grouped bars, and the percentiles. */
  private static void batchTimes(StringBuilder html, Map<String, LatencyHistogram> histograms) {
    html.append("<h2>Batch time per stage</h2>\n");
    long[][] counts = new long[STAGES.length][];
    int first = LatencyHistogram.BUCKETS;
    int last = -1;
    long top = 0;
    for (int stage = 0; stage < STAGES.length; stage++) {
      counts[stage] = histograms.get(STAGES[stage]).counts();
      for (int bucket = 0; bucket < LatencyHistogram.BUCKETS; bucket++) {
        if (counts[stage][bucket] > 0) {
          first = Math.min(first, bucket);
          last = Math.max(last, bucket);
          top = Math.max(top, counts[stage][bucket]);
        }
      }
    }
    if (last < 0) {
      html.append("<p class=\"empty\" id=\"batch-times-empty\">No batch ran a forward call.</p>\n");
    } else {
      double ceiling = niceCeiling(Math.max(top, 10));
      int height = 240;
      int plot = height - TOP - BOTTOM;
      int groups = last - first + 1;
      double groupWidth = PLOT_WIDTH / (double) groups;
      double barWidth = Math.max((groupWidth - 2) / STAGES.length, 0.5);
      html.append(svgOpen("batch-times", height)).append(">\n");
      yAxis(html, ceiling, plot, "batches");
      for (int bucket = first; bucket <= last; bucket++) {
        double groupX = LEFT + (bucket - first) * groupWidth + 1;
        for (int stage = 0; stage < STAGES.length; stage++) {
          long count = counts[stage][bucket];
          if (count == 0) {
            continue;
          }
          double barHeight = plot * count / ceiling;
          html.append(
              String.format(
                  Locale.ROOT,
                  "<rect class=\"bar\" data-stage=\"%s\" data-bucket=\"%d\" data-lower-ms=\"%s\" data-count=\"%d\""
                      + " x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
                      + "<title>%s, %s: %,d batches</title></rect>\n",
                  STAGES[stage],
                  bucket,
                  number(LatencyHistogram.lowerMillis(bucket)),
                  count,
                  groupX + stage * barWidth,
                  TOP + plot - barHeight,
                  barWidth,
                  barHeight,
                  STAGE_COLORS[stage],
                  STAGES[stage],
                  range(bucket),
                  count));
        }
      }
      // The axis runs from the first drawn bucket's lower bound (0.1 ms for the one below it) to the last's upper bound.
      double low = LatencyHistogram.lowerMillis(Math.max(first, 1));
      double high = LatencyHistogram.lowerMillis(Math.min(last + 1, LatencyHistogram.BUCKETS - 1));
      for (double tick : logTicks(low, high)) {
        double x = LEFT + (LatencyHistogram.position(tick) - first) * groupWidth;
        html.append(String.format(Locale.ROOT, "<line class=\"axis tick\" data-ms=\"%s\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>\n", number(tick), x, TOP + plot, x, TOP + plot + 4));
        xLabel(html, x, TOP + plot, number(tick));
      }
      axisTitle(html, LEFT + PLOT_WIDTH / 2.0, TOP + plot + 34, "milliseconds per batch (log scale, 10 buckets a decade)");
      html.append("</svg>\n<p class=\"legend\">");
      for (int stage = 0; stage < STAGES.length; stage++) {
        html.append("<span style=\"background:").append(STAGE_COLORS[stage]).append("\"></span>").append(STAGES[stage]);
      }
      html.append("</p>\n");
    }
    html.append("<table id=\"percentiles\">\n<tr><th>stage</th><th>batches</th><th>p50 ms</th><th>p90 ms</th><th>p99 ms</th></tr>\n");
    histograms.forEach(
        (stage, histogram) -> {
          html.append("<tr data-stage=\"").append(escape(stage)).append("\"><td>").append(escape(stage)).append("</td>");
          html.append("<td class=\"num\" data-count=\"").append(histogram.count()).append("\">").append(histogram.count()).append("</td>");
          for (double q : Percentiles.REPORTED) {
            String value = number(RunReport.millis(Percentiles.upperMillis(histogram, q)));
            html.append("<td class=\"num\" data-p=\"")
                .append(Math.round(q * 100))
                .append("\">&le; ")
                .append(value)
                .append("</td>");
          }
          html.append("</tr>\n");
        });
    html.append("</table>\n<p>Percentiles are the upper bounds of their histogram buckets"
        + " (at most 26% above the true value).</p>\n");
  }

  private static void badRows(StringBuilder html, RunReport report) {
    html.append("<h2>Bad rows by reason</h2>\n");
    RunReport.NonFinite nonFinite = report.nonFinite();
    long nonFiniteInputs = nonFinite.nanInputs() + nonFinite.infiniteInputs();
    List<Bar> bars = new ArrayList<>();
    report.badRowsByReason().forEach(
        (reason, count) -> {
          String text = String.format(Locale.ROOT, "%,d", count);
          if ("nan".equals(reason) && nonFiniteInputs > 0 && !rejectsNaN(report)) {
            // The reason counts rows only with nan=reject; say what a 0 here hides.
            text +=
                String.format(
                    Locale.ROOT,
                    " (nan=allow scored %,d NaN and %,d infinite feature values)",
                    nonFinite.nanInputs(),
                    nonFinite.infiniteInputs());
          }
          bars.add(new Bar(reason, count, text, "data-reason=\"" + escape(reason) + "\" data-count=\"" + count + "\""));
        });
    horizontalBars(html, "bad-rows", bars, "#e15759", "rows", "No bad rows: every row read was scored.");
  }

  private static void modelLoads(StringBuilder html, List<ModelLoad> loads) {
    html.append("<h2>Model load time per executor</h2>\n");
    if (loads.isEmpty()) {
      html.append("<p class=\"empty\" id=\"model-loads-empty\">No model was loaded: every JVM had it cached.</p>\n");
      return;
    }
    List<Bar> bars = new ArrayList<>();
    for (ModelLoad load : loads) {
      String label = "driver".equals(load.executor()) ? "driver (" + load.host() + ")" : "executor " + load.executor() + " (" + load.host() + ")";
      bars.add(
          new Bar(
              label,
              load.millis(),
              number(RunReport.millis(load.millis())) + " ms",
              "data-executor=\"" + escape(load.executor()) + "\" data-host=\"" + escape(load.host())
                  + "\" data-ms=\"" + RunReport.millis(load.millis()) + "\""));
    }
    horizontalBars(html, "model-loads", bars, "#76b7b2", "milliseconds (fetch and load)", "Every model load measured 0 ms.");
  }

  private static void settings(StringBuilder html, Map<String, String> settings) {
    html.append("<h2>Settings</h2>\n<table id=\"settings\">\n<tr><th>key</th><th>value</th></tr>\n");
    settings.forEach(
        (key, value) ->
            html.append("<tr data-key=\"")
                .append(escape(key))
                .append("\"><td>")
                .append(escape(key))
                .append("</td><td>")
                .append(escape(value))
                .append("</td></tr>\n"));
    html.append("</table>\n<p>Secrets are shown as ***.</p>\n");
  }

  private static void traces(StringBuilder html, List<String> traces) {
    if (traces.isEmpty()) {
      return;
    }
    html.append("<h2>Profiler traces</h2>\n<p>Open in chrome://tracing or https://ui.perfetto.dev:</p>\n<ul id=\"traces\">\n");
    for (String trace : traces) {
      html.append("<li>").append(escape(trace)).append("</li>\n");
    }
    html.append("</ul>\n");
  }

  /** One bar of a horizontal bar chart: its label, value, text and data attributes. */
  private record Bar(String label, double value, String text, String data) {}

  private static void horizontalBars(StringBuilder html, String id, List<Bar> bars, String color, String unit, String allZero) {
    if (bars.stream().allMatch(bar -> bar.value() == 0)) {
      html.append("<p class=\"empty\" id=\"").append(id).append("-empty\">").append(escape(allZero)).append("</p>\n");
      return;
    }
    int rowHeight = 22;
    int labelWidth = 190;
    int height = TOP + bars.size() * rowHeight + BOTTOM;
    double top = niceCeiling(Math.max(bars.stream().mapToDouble(Bar::value).max().orElse(0), 10));
    double plotWidth = WIDTH - labelWidth - RIGHT - 60;
    html.append(svgOpen(id, height)).append(">\n");
    int plotBottom = TOP + bars.size() * rowHeight;
    for (int tick = 0; tick <= TICKS; tick++) {
      double x = labelWidth + plotWidth * tick / TICKS;
      html.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>\n", x, TOP, x, plotBottom));
      xLabel(html, x, plotBottom, number(top * tick / TICKS));
    }
    for (int i = 0; i < bars.size(); i++) {
      Bar bar = bars.get(i);
      double y = TOP + i * rowHeight;
      double width = plotWidth * bar.value() / top;
      html.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
              labelWidth - 6,
              y + rowHeight / 2.0 + 4,
              escape(bar.label())));
      html.append(
          String.format(
              Locale.ROOT,
              "<rect class=\"bar\" %s x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"%s\"><title>%s: %s</title></rect>\n",
              bar.data(),
              labelWidth,
              y + 3,
              width,
              rowHeight - 6,
              color,
              escape(bar.label()),
              escape(bar.text())));
      html.append(
          String.format(
              Locale.ROOT,
              "<text class=\"value\" x=\"%.1f\" y=\"%.1f\">%s</text>\n",
              labelWidth + width + 4,
              y + rowHeight / 2.0 + 4,
              escape(bar.text())));
    }
    html.append(String.format(Locale.ROOT, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n", labelWidth, TOP, labelWidth, plotBottom));
    axisTitle(html, labelWidth + plotWidth / 2, plotBottom + 34, unit);
    html.append("</svg>\n");
  }

  private static String svgOpen(String id, int height) {
    return String.format(
        Locale.ROOT,
        "<svg id=\"%s\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\"",
        id,
        WIDTH,
        height,
        WIDTH,
        height);
  }

  /** Draws the y axis from 0 to {@code top} with grid lines and labels, and the x axis. */
  private static void yAxis(StringBuilder html, double top, int plot, String unit) {
    for (int tick = 0; tick <= TICKS; tick++) {
      double y = TOP + plot - plot * tick / (double) TICKS;
      html.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>\n", LEFT, y, WIDTH - RIGHT, y));
      html.append(
          String.format(
              Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", LEFT - 6, y + 4, number(top * tick / TICKS)));
    }
    html.append(String.format(Locale.ROOT, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n", LEFT, TOP + plot, WIDTH - RIGHT, TOP + plot));
    html.append(
        String.format(
            Locale.ROOT,
            "<text x=\"14\" y=\"%.1f\" transform=\"rotate(-90 14 %.1f)\" text-anchor=\"middle\">%s</text>\n",
            TOP + plot / 2.0,
            TOP + plot / 2.0,
            escape(unit)));
  }

  private static void xLabel(StringBuilder html, double x, int axisY, String text) {
    html.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", x, axisY + 15, escape(text)));
  }

  private static void axisTitle(StringBuilder html, double x, int y, String text) {
    html.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
            x,
            y,
            escape(text)));
  }

  /**
   * Returns the ticks of a log axis from {@code low} to {@code high}: each power of ten, and 2 and
   * 5 times each when the axis spans fewer than three decades.
   *
   * @param low the axis's smallest value, above 0
   * @param high its largest
   * @return the ticks, ascending
   */
  static List<Double> logTicks(double low, double high) {
    // Bounds computed as powers of ten are off by a few ulps: an axis of three decades has no 2
    // and 5 ticks, and a tick on a bound is kept.
    boolean between = Math.log10(high / low) < 3 - 1e-9;
    double from = low * (1 - 1e-9);
    double to = high * (1 + 1e-9);
    List<Double> ticks = new ArrayList<>();
    for (int exponent = (int) Math.floor(Math.log10(from)); exponent <= Math.floor(Math.log10(to)); exponent++) {
      for (int step : between ? new int[] {1, 2, 5} : new int[] {1}) {
        double tick = step * Math.pow(10, exponent);
        if (tick >= from && tick <= to) {
          ticks.add(tick);
        }
      }
    }
    return ticks;
  }

  /** Returns 1, 2 or 5 times a power of ten, at least the value (1 for 0). */
  private static double niceCeiling(double value) {
    if (value <= 0) {
      return 1;
    }
    double power = Math.pow(10, Math.floor(Math.log10(value)));
    for (double step : new double[] {1, 2, 5, 10}) {
      if (step * power >= value) {
        return step * power;
      }
    }
    return 10 * power;
  }

  private static String range(int bucket) {
    return bucket == LatencyHistogram.BUCKETS - 1
        ? number(LatencyHistogram.lowerMillis(bucket)) + " ms or more"
        : number(LatencyHistogram.lowerMillis(bucket)) + "-" + number(LatencyHistogram.upperMillis(bucket)) + " ms";
  }

  /** Formats a number with up to three significant decimals, without a trailing zero. */
  private static String number(double value) {
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return String.format(Locale.ROOT, "%d", (long) value);
    }
    String text = String.format(Locale.ROOT, Math.abs(value) >= 10 ? "%.1f" : "%.3f", value);
    return text.replaceAll("0+$", "").replaceAll("\\.$", "");
  }

  private static String escape(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder escaped = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '&' -> escaped.append("&amp;");
        case '<' -> escaped.append("&lt;");
        case '>' -> escaped.append("&gt;");
        case '"' -> escaped.append("&quot;");
        case '\'' -> escaped.append("&#39;");
        default -> escaped.append(c);
      }
    }
    return escaped.toString();
  }
}
