package io.torchscore.job;

import static io.torchscore.job.SvgChart.BOTTOM;
import static io.torchscore.job.SvgChart.LEFT;
import static io.torchscore.job.SvgChart.PLOT_WIDTH;
import static io.torchscore.job.SvgChart.TOP;
import static io.torchscore.job.SvgChart.axisTitle;
import static io.torchscore.job.SvgChart.escape;
import static io.torchscore.job.SvgChart.logTicks;
import static io.torchscore.job.SvgChart.niceCeiling;
import static io.torchscore.job.SvgChart.number;
import static io.torchscore.job.SvgChart.svgOpen;
import static io.torchscore.job.SvgChart.xLabel;
import static io.torchscore.job.SvgChart.yAxis;

import io.torchscore.spark.LatencyHistogram;
import java.util.Locale;
import java.util.Map;

/** The HTML report's chart of batch times per stage, as histograms, with their percentiles. */
final class BatchTimeChart {

  private static final String[] STAGES = {"encode", "forward", "decode"};
  private static final String[] STAGE_COLORS = {"#4e79a7", "#f28e2b", "#59a14f"};

  private BatchTimeChart() {}

  /** Batches per duration bucket for each stage, as grouped bars, and the percentiles. */
  static void draw(StringBuilder html, Map<String, LatencyHistogram> histograms) {
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

  private static String range(int bucket) {
    return bucket == LatencyHistogram.BUCKETS - 1
        ? number(LatencyHistogram.lowerMillis(bucket)) + " ms or more"
        : number(LatencyHistogram.lowerMillis(bucket)) + "-" + number(LatencyHistogram.upperMillis(bucket)) + " ms";
  }
}
