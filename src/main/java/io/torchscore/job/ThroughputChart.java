package io.torchscore.job;

import static io.torchscore.job.SvgChart.BOTTOM;
import static io.torchscore.job.SvgChart.LEFT;
import static io.torchscore.job.SvgChart.PLOT_WIDTH;
import static io.torchscore.job.SvgChart.RIGHT;
import static io.torchscore.job.SvgChart.TOP;
import static io.torchscore.job.SvgChart.WIDTH;
import static io.torchscore.job.SvgChart.axisTitle;
import static io.torchscore.job.SvgChart.niceCeiling;
import static io.torchscore.job.SvgChart.number;
import static io.torchscore.job.SvgChart.svgOpen;
import static io.torchscore.job.SvgChart.xLabel;
import static io.torchscore.job.SvgChart.yAxis;

import java.util.Arrays;
import java.util.Locale;

/** The HTML report's chart of rows scored over time. */
final class ThroughputChart {

  private ThroughputChart() {}

  /**
   * Rows per second in each time bucket, as vertical bars, as the partitions measured them, and
   * the scoring rate as a dashed line.
   */
  static void draw(StringBuilder html, RunReport report) {
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
}
