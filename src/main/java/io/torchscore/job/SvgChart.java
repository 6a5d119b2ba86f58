package io.torchscore.job;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Draws the HTML report's charts as inline SVG: the plot's geometry, axes with grid lines and
 * labels, horizontal bar charts, round axis tops, and log-axis ticks by one rule
 * ({@link #logTicks}): each power of ten, and 2 and 5 times each when the axis spans fewer than
 * three decades. Text is escaped for HTML.
 */
final class SvgChart {

  // A chart's width and the plot's margins inside it, in pixels.
  static final int WIDTH = 760;
  static final int LEFT = 80;
  static final int RIGHT = 20;
  static final int TOP = 16;
  static final int BOTTOM = 44;
  static final int PLOT_WIDTH = WIDTH - LEFT - RIGHT;
  // Grid lines per axis: with 1, 2 or 5 times a power of ten at the top, counts from 10 get whole ticks.
  private static final int TICKS = 5;

  private SvgChart() {}

  /** One bar of a horizontal bar chart: its label, value, text and data attributes. */
  record Bar(String label, double value, String text, String data) {}

  static void horizontalBars(StringBuilder html, String id, List<Bar> bars, String color, String unit, String allZero) {
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

  static String svgOpen(String id, int height) {
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
  static void yAxis(StringBuilder html, double top, int plot, String unit) {
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

  static void xLabel(StringBuilder html, double x, int axisY, String text) {
    html.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", x, axisY + 15, escape(text)));
  }

  static void axisTitle(StringBuilder html, double x, int y, String text) {
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
  static double niceCeiling(double value) {
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

  /** Formats a number with up to three significant decimals, without a trailing zero. */
  static String number(double value) {
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return String.format(Locale.ROOT, "%d", (long) value);
    }
    String text = String.format(Locale.ROOT, Math.abs(value) >= 10 ? "%.1f" : "%.3f", value);
    return text.replaceAll("0+$", "").replaceAll("\\.$", "");
  }

  static String escape(String text) {
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
