package io.torchscore.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Merges the runs of one benchmark into one JSON file (the runs, the ratios against the issue's
 * targets, the machine), prints the table, and draws the chart. Ratios are always taken between
 * runs of this same benchmark, at the same batch size (row_udf has one rate: one call per row).
 */
@Command(name = "report", description = "Prints the table and writes the JSON and the PNG chart.")
final class ReportCommand implements Callable<Integer> {

  static final List<String> MODES = List.of("passthrough", "raw", "torchscore", "row_udf", "python");
  static final List<String> MODELS = List.of("mlp", "resnet18", "resnet18_jpeg");

  /** The targets: torchscore over another mode, at least {@code target}. */
  record Target(String model, String over, double target, String description) {}

  static final List<Target> TARGETS =
      List.of(
          new Target("mlp", "passthrough", 0.8, "MLP: torchscore >= 0.8 x passthrough"),
          new Target("mlp", "row_udf", 20, "MLP: torchscore >= 20 x row_udf"),
          new Target("resnet18", "raw", 0.95, "ResNet-18: torchscore >= 0.95 x raw (same batch)"),
          new Target("mlp", "python", 1.0, "MLP: torchscore >= 1.0 x python"),
          new Target("resnet18", "python", 1.0, "ResNet-18: torchscore >= 1.0 x python"),
          new Target("resnet18_jpeg", "python", 1.0, "ResNet-18 on JPEG files: torchscore >= 1.0 x DataLoader"));

  @Option(names = "--runs", required = true, description = "The JSON-lines runs file.")
  private Path runsFile;

  @Option(names = "--out", required = true, description = "The JSON file to write.")
  private Path out;

  @Option(names = "--chart", required = true, description = "The PNG file to write.")
  private Path chart;

  @Option(names = "--default-batch", defaultValue = "4096", description = "torchscore's default batch size.")
  private int defaultBatch;

  @Option(names = "--note", description = "A note for the results (repeatable).")
  private List<String> notes = new ArrayList<>();

  @Option(names = "--wall-seconds", defaultValue = "-1", description = "The whole benchmark's wall time so far.")
  private double wallSeconds;

  @Override
  public Integer call() throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<Map<String, Object>> runs = new ArrayList<>();
    for (String line : Files.readAllLines(runsFile, StandardCharsets.UTF_8)) {
      if (!line.isBlank()) {
        @SuppressWarnings("unchecked")
        Map<String, Object> run = json.readValue(line, Map.class);
        runs.add(run);
      }
    }
    List<Map<String, Object>> ratios = new ArrayList<>();
    StringBuilder table = new StringBuilder();
    for (String model : MODELS) {
      TreeSet<Integer> batches = new TreeSet<>();
      runs.stream().filter(r -> model.equals(r.get("model")) && !"row_udf".equals(r.get("mode")))
          .forEach(r -> batches.add(((Number) r.get("batch_size")).intValue()));
      if (batches.isEmpty()) {
        continue;
      }
      Double udf = rate(runs, model, "row_udf", 1);
      table.append(String.format("%n%s (rows/s; %s)%n", model, model.equals("mlp") ? "rows" : "images"));
      table.append(String.format(
          "%6s %12s %12s %12s %12s %12s | %8s %8s %8s %8s%n", "batch", "passthrough", "raw", "torchscore",
          "row_udf", "python", "ts/pass", "ts/raw", "ts/udf", "ts/py"));
      for (int batch : batches) {
        Double ts = rate(runs, model, "torchscore", batch);
        String[] ratioCells = new String[4];
        String[] over = {"passthrough", "raw", "row_udf", "python"};
        for (int i = 0; i < over.length; i++) {
          Double other = "row_udf".equals(over[i]) ? udf : rate(runs, model, over[i], batch);
          Double ratio = ts == null || other == null ? null : ts / other;
          ratioCells[i] = ratio == null ? "-" : String.format("%.2f", ratio);
          if (ratio != null) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("model", model);
            entry.put("batch_size", batch);
            entry.put("ratio", "torchscore/" + over[i]);
            entry.put("value", Math.round(ratio * 1000) / 1000.0);
            for (Target target : TARGETS) {
              if (target.model().equals(model) && target.over().equals(over[i])) {
                entry.put("target", target.target());
                entry.put("met", ratio >= target.target());
              }
            }
            ratios.add(entry);
          }
        }
        table.append(String.format(
            "%6d %12s %12s %12s %12s %12s | %8s %8s %8s %8s%n", batch,
            cell(rate(runs, model, "passthrough", batch)), cell(rate(runs, model, "raw", batch)), cell(ts),
            batch == batches.first() ? cell(udf) : "", cell(rate(runs, model, "python", batch)),
            ratioCells[0], ratioCells[1], ratioCells[2], ratioCells[3]));
      }
    }
    List<Map<String, Object>> targets = new ArrayList<>();
    StringBuilder targetLines = new StringBuilder();
    for (Target target : TARGETS) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("target", target.description());
      entry.put("ratio", "torchscore/" + target.over());
      entry.put("model", target.model());
      entry.put("at_least", target.target());
      Map<String, Object> atDefault = find(ratios, target, defaultBatch);
      Map<String, Object> best = null;
      for (Map<String, Object> ratio : ratios) {
        if (matches(ratio, target)
            && (best == null || (double) ratio.get("value") > (double) best.get("value"))) {
          best = ratio;
        }
      }
      entry.put("default_batch_size", defaultBatch);
      entry.put("value_at_default_batch", atDefault == null ? null : atDefault.get("value"));
      entry.put("best_value", best == null ? null : best.get("value"));
      entry.put("best_at_batch_size", best == null ? null : best.get("batch_size"));
      entry.put("met_at_default_batch", atDefault == null ? null : atDefault.get("met"));
      targets.add(entry);
      targetLines.append(String.format(
          "  %-52s at batch %d: %s%s; best %s (batch %s)%n", target.description(), defaultBatch,
          atDefault == null ? "n/a" : String.format("%.2f", (double) atDefault.get("value")),
          atDefault == null ? "" : ((boolean) atDefault.get("met") ? " MET" : " BELOW"),
          best == null ? "n/a" : String.format("%.2f", (double) best.get("value")),
          best == null ? "-" : best.get("batch_size")));
    }

    Map<String, Object> result = new LinkedHashMap<>();
    result.put("issue", 4);
    result.put("machine", Machine.describe());
    if (wallSeconds >= 0) {
      result.put("benchmark_wall_seconds", Math.round(wallSeconds));
    }
    result.put("runs", runs);
    result.put("ratios", ratios);
    result.put("targets", targets);
    result.put("notes", notes);
    result.put("chart", chart.toAbsolutePath().toString());
    Files.createDirectories(out.toAbsolutePath().getParent());
    json.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), result);
    ThroughputChart.draw(runs, chart, Machine.describe().get("summary").toString());

    System.out.println();
    System.out.println("torchscore benchmark (issue 4) on " + Machine.describe().get("summary"));
    System.out.print(table);
    System.out.println();
    System.out.println("Targets (ratios of this run):");
    System.out.print(targetLines);
    for (String note : notes) {
      System.out.println("Note: " + note);
    }
    System.out.println("Chart: " + chart.toAbsolutePath());
    return 0;
  }

  private static boolean matches(Map<String, Object> ratio, Target target) {
    return target.model().equals(ratio.get("model")) && ("torchscore/" + target.over()).equals(ratio.get("ratio"));
  }

  private static Map<String, Object> find(List<Map<String, Object>> ratios, Target target, int batch) {
    for (Map<String, Object> ratio : ratios) {
      if (matches(ratio, target) && ((Number) ratio.get("batch_size")).intValue() == batch) {
        return ratio;
      }
    }
    return null;
  }

  static Double rate(List<Map<String, Object>> runs, String model, String mode, int batch) {
    for (Map<String, Object> run : runs) {
      if (model.equals(run.get("model")) && mode.equals(run.get("mode"))
          && ((Number) run.get("batch_size")).intValue() == batch) {
        return ((Number) run.get("rows_per_s")).doubleValue();
      }
    }
    return null;
  }

  private static String cell(Double rate) {
    if (rate == null) {
      return "-";
    }
    return rate >= 1e6 ? String.format("%.2fM", rate / 1e6) : rate >= 1e4 ? String.format("%.1fk", rate / 1e3)
        : String.format("%.1f", rate);
  }
}
