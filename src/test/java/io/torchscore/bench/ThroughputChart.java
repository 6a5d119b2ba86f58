package io.torchscore.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Draws throughput against batch size, one panel per model, log-log, one line per mode, with
 * Java2D (no dependency beyond the JDK). row_udf calls the model once per row: one point at
 * batch 1 and a dashed line across, to read it against the batched modes.
 */
final class ThroughputChart {

  private static final int PANEL_W = 700;
  private static final int PANEL_H = 560;
  private static final int LEFT = 80;
  private static final int RIGHT = 20;
  private static final int TOP = 60;
  private static final int BOTTOM = 100;
  private static final Color[] COLORS = {
    new Color(0x7f7f7f), new Color(0x1f77b4), new Color(0xd62728), new Color(0x9467bd), new Color(0x2ca02c)
  };

  private ThroughputChart() {}

  static void draw(List<Map<String, Object>> allRuns, Path png, String machine) throws IOException {
    List<Map<String, Object>> runs = firstOfEach(allRuns);
    List<String> models = new ArrayList<>();
    for (String model : ReportCommand.MODELS) {
      if (runs.stream().anyMatch(r -> model.equals(r.get("model")))) {
        models.add(model);
      }
    }
    int panels = Math.max(1, models.size());
    BufferedImage image = new BufferedImage(PANEL_W * panels, PANEL_H + 30, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, image.getWidth(), image.getHeight());
    for (int p = 0; p < models.size(); p++) {
      panel(g, runs, models.get(p), p * PANEL_W);
    }
    g.setColor(Color.DARK_GRAY);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    g.drawString("Same run, same data, same cores: " + machine, 10, PANEL_H + 20);
    g.dispose();
    Files.createDirectories(png.toAbsolutePath().getParent());
    ImageIO.write(image, "png", png.toFile());
  }

  /**
   * The runs the tables show: each model, mode, variant and batch size's first (a later one, such
   * as the exports' fp32 baseline on the first images, is of fewer rows).
   */
  private static List<Map<String, Object>> firstOfEach(List<Map<String, Object>> runs) {
    Map<List<Object>, Map<String, Object>> first = new LinkedHashMap<>();
    for (Map<String, Object> run : runs) {
      first.putIfAbsent(
          Arrays.asList(run.get("model"), run.get("mode"), run.get("precision"), run.get("engine"),
              run.get("output_columns"), run.get("batch_size")),
          run);
    }
    return new ArrayList<>(first.values());
  }

  /** Whether a run is on the chart: fp32 on libtorch writing all columns (or none), with a rate. */
  private static boolean charted(Map<String, Object> run) {
    return run.get("rows_per_s") != null
        && (ReportCommand.isVariant(run, RunRecord.Variant.DEFAULT) || ReportCommand.isVariant(run, RunRecord.Variant.NONE_WRITTEN));
  }

  private static String title(String model) {
    switch (model) {
      case "mlp":
        return "Tutorial MLP (10-5-1)";
      case "resnet18_jpeg":
        return "ResNet-18 on JPEG files (300-640 px)";
      default:
        return "ResNet-18 (224x224 float arrays)";
    }
  }

  private static void panel(Graphics2D g, List<Map<String, Object>> runs, String model, int x0) {
    double minX = 1;
    double maxX = 1;
    double minY = Double.MAX_VALUE;
    double maxY = 0;
    for (Map<String, Object> run : runs) {
      if (model.equals(run.get("model")) && charted(run)) {
        double batch = ((Number) run.get("batch_size")).doubleValue();
        double rate = ((Number) run.get("rows_per_s")).doubleValue();
        maxX = Math.max(maxX, batch);
        minY = Math.min(minY, rate);
        maxY = Math.max(maxY, rate);
      }
    }
    double lx0 = Math.log10(minX) - 0.15;
    double lx1 = Math.log10(maxX) + 0.15;
    double ly0 = Math.log10(minY) - 0.2;
    double ly1 = Math.log10(maxY) + 0.2;
    int plotW = PANEL_W - LEFT - RIGHT;
    int plotH = PANEL_H - TOP - BOTTOM;
    Axis axis = new Axis(x0 + LEFT, TOP, plotW, plotH, lx0, lx1, ly0, ly1);

    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    g.setColor(Color.BLACK);
    g.drawString(
        title(model) + ": throughput vs batch size",
        x0 + LEFT, 30);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    // Grid: decades and 2x, 5x on y; powers of two on x.
    for (double d = Math.floor(ly0); d <= ly1 + 1e-9; d++) {
      for (int m : new int[] {1, 2, 5}) {
        double ly = d + Math.log10(m);
        if (ly > ly1 + 1e-9 || ly < ly0 - 1e-9) {
          continue;
        }
        int y = axis.y(ly);
        g.setColor(m == 1 ? new Color(0xcccccc) : new Color(0xeeeeee));
        g.drawLine(axis.left, y, axis.left + plotW, y);
        g.setColor(Color.DARK_GRAY);
        String label = rateLabel(Math.pow(10, ly));
        FontMetrics fm = g.getFontMetrics();
        g.drawString(label, axis.left - 6 - fm.stringWidth(label), y + 4);
      }
    }
    for (int b = 1; b <= maxX; b *= 2) {
      double lx = Math.log10(b);
      int x = axis.x(lx);
      boolean labelled = b == 1 || Math.round(Math.log(b) / Math.log(2)) % 2 == 0 || maxX <= 1024;
      g.setColor(new Color(0xeeeeee));
      g.drawLine(x, axis.top, x, axis.top + plotH);
      if (labelled) {
        g.setColor(Color.DARK_GRAY);
        String label = Integer.toString(b);
        g.drawString(label, x - g.getFontMetrics().stringWidth(label) / 2, axis.top + plotH + 16);
      }
    }
    g.setColor(Color.BLACK);
    g.drawRect(axis.left, axis.top, plotW, plotH);
    g.drawString("batch size (rows per model call; log scale)", axis.left + plotW / 2 - 120, axis.top + plotH + 36);
    Graphics2D vertical = (Graphics2D) g.create();
    vertical.rotate(-Math.PI / 2);
    vertical.drawString(("mlp".equals(model) ? "rows" : "images") + " per second (log scale)",
        -(axis.top + plotH / 2 + 80), x0 + 16);
    vertical.dispose();

    int legendX = axis.left;
    int legendY = axis.top + plotH + 64;
    for (int m = 0; m < ReportCommand.MODES.size(); m++) {
      String mode = ReportCommand.MODES.get(m);
      List<double[]> points = new ArrayList<>();
      for (Map<String, Object> run : runs) {
        if (model.equals(run.get("model")) && mode.equals(run.get("mode")) && charted(run)) {
          double rate = Math.log10(((Number) run.get("rows_per_s")).doubleValue());
          if ("passthrough".equals(mode)) {
            // The floor has no batches: one level across the sweep.
            points.add(new double[] {lx0 + 0.15, rate});
            points.add(new double[] {lx1 - 0.15, rate});
          } else {
            points.add(new double[] {Math.log10(((Number) run.get("batch_size")).doubleValue()), rate});
          }
        }
      }
      if (points.isEmpty()) {
        continue;
      }
      points.sort((a, b) -> Double.compare(a[0], b[0]));
      g.setColor(COLORS[m]);
      Stroke solid = new BasicStroke(2.2f);
      g.setStroke(solid);
      for (int i = 1; i < points.size(); i++) {
        g.drawLine(axis.x(points.get(i - 1)[0]), axis.y(points.get(i - 1)[1]),
            axis.x(points.get(i)[0]), axis.y(points.get(i)[1]));
      }
      if ("row_udf".equals(mode)) {
        g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 5}, 0));
        int y = axis.y(points.get(0)[1]);
        g.drawLine(axis.x(points.get(0)[0]), y, axis.left + plotW, y);
        g.setStroke(solid);
      }
      for (double[] point : points) {
        g.fillOval(axis.x(point[0]) - 4, axis.y(point[1]) - 4, 8, 8);
      }
      // Legend, one row under the plot.
      String label = "row_udf".equals(mode) ? "row_udf (1 row per call)" : mode;
      g.drawLine(legendX, legendY - 4, legendX + 24, legendY - 4);
      g.fillOval(legendX + 8, legendY - 8, 8, 8);
      g.setColor(Color.BLACK);
      g.drawString(label, legendX + 30, legendY);
      legendX += 30 + g.getFontMetrics().stringWidth(label) + 22;
    }
    g.setStroke(new BasicStroke(1f));
  }

  private static String rateLabel(double rate) {
    if (rate >= 1e6) {
      return trim(rate / 1e6) + "M";
    }
    if (rate >= 1e3) {
      return trim(rate / 1e3) + "k";
    }
    return trim(rate);
  }

  private static String trim(double value) {
    return Math.abs(value - Math.rint(value)) < 1e-6 ? Long.toString(Math.round(value)) : String.format("%.1f", value);
  }

  /** Log-scale coordinates of one panel. */
  private record Axis(int left, int top, int width, int height, double lx0, double lx1, double ly0, double ly1) {
    int x(double lx) {
      return left + (int) Math.round((lx - lx0) / (lx1 - lx0) * width);
    }

    int y(double ly) {
      return top + height - (int) Math.round((ly - ly0) / (ly1 - ly0) * height);
    }
  }
}
