package io.torchscore.job;

import static io.torchscore.job.SvgChart.WIDTH;
import static io.torchscore.job.SvgChart.escape;
import static io.torchscore.job.SvgChart.horizontalBars;
import static io.torchscore.job.SvgChart.number;

import io.torchscore.config.ConfKeys;
import io.torchscore.spark.ModelLoad;
import java.util.ArrayList;
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
 * <p>The charts' axes and bars are drawn by {@link SvgChart}.
 */
final class HtmlReport {

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
    ThroughputChart.draw(html, report);
    BatchTimeChart.draw(html, report.details().batchTimes());
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
    row(html, "batches", String.format(Locale.ROOT, "%,d %s", report.batches(), report.batchesSized()));
    if (!report.batchSizeAuto().isEmpty()) {
      row(html, "batch size auto", String.join("; ", report.batchSizeAuto().stream().map(Object::toString).toList()));
    }
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

  private static void badRows(StringBuilder html, RunReport report) {
    html.append("<h2>Bad rows by reason</h2>\n");
    RunReport.NonFinite nonFinite = report.nonFinite();
    long nonFiniteInputs = nonFinite.nanInputs() + nonFinite.infiniteInputs();
    List<SvgChart.Bar> bars = new ArrayList<>();
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
          bars.add(new SvgChart.Bar(reason, count, text, "data-reason=\"" + escape(reason) + "\" data-count=\"" + count + "\""));
        });
    horizontalBars(html, "bad-rows", bars, "#e15759", "rows", "No bad rows: every row read was scored.");
  }

  private static void modelLoads(StringBuilder html, List<ModelLoad> loads) {
    html.append("<h2>Model load time per executor</h2>\n");
    if (loads.isEmpty()) {
      html.append("<p class=\"empty\" id=\"model-loads-empty\">No model was loaded: every JVM had it cached.</p>\n");
      return;
    }
    List<SvgChart.Bar> bars = new ArrayList<>();
    for (ModelLoad load : loads) {
      String label = "driver".equals(load.executor()) ? "driver (" + load.host() + ")" : "executor " + load.executor() + " (" + load.host() + ")";
      bars.add(
          new SvgChart.Bar(
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
}
