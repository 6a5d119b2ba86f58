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
import io.torchscore.bench.RunRecord.Variant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Merges the runs of one benchmark into one JSON file (the runs, the ratios against the
 * targets, the machine), prints the table, and draws the chart. Ratios are always taken between
 * runs of this same benchmark, at the same batch size (row_udf has one rate: one call per row).
 */
@Command(name = "report", description = "Prints the table and writes the JSON and the PNG chart.")
final class ReportCommand implements Callable<Integer> {

  static final List<String> MODES = List.of("passthrough", "raw", "torchscore", "row_udf", "python");
  static final List<String> MODELS = List.of("mlp", "resnet18", "resnet18_jpeg");

  /**
   * A throughput target: {@code over}'s rate divided into torchscore's, at least {@code target}.
   * {@code columns} picks the written columns of both runs ({@code all}, or e.g. {@code id});
   * {@code over} = torchscore means torchscore writing all columns.
   */
  record Target(String model, String columns, String over, double target, String description) {}

  static final List<Target> TARGETS =
      List.of(
          new Target("mlp", "id", "passthrough", 0.9, "MLP id+prediction: torchscore >= 0.9 x its floor"),
          new Target("mlp", "id", "torchscore", 2, "MLP id+prediction: >= 2 x torchscore writing all"),
          new Target("mlp", "all", "passthrough", 0.8, "MLP all columns: torchscore >= 0.8 x its floor"),
          new Target("mlp", "all", "row_udf", 20, "MLP: torchscore >= 20 x row_udf"),
          new Target("resnet18", "all", "raw", 0.9, "ResNet-18: torchscore >= 0.9 x raw (same batch)"),
          new Target("mlp", "all", "python", 1.0, "MLP: torchscore >= 1.0 x python"),
          new Target("resnet18", "all", "python", 1.0, "ResNet-18: torchscore >= 1.0 x python"),
          new Target("resnet18_jpeg", "all", "python", 1.0, "ResNet-18 on JPEG files: torchscore >= 1.0 x DataLoader"));

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
    List<Map<String, Object>> allRuns = new ArrayList<>();
    for (String line : Files.readAllLines(runsFile, StandardCharsets.UTF_8)) {
      if (!line.isBlank()) {
        @SuppressWarnings("unchecked")
        Map<String, Object> run = json.readValue(line, Map.class);
        allRuns.add(run);
      }
    }
    // The tables and the chart compare fixed batch sizes; batch.size=auto rows have their own table.
    List<Map<String, Object>> runs = allRuns.stream().filter(r -> !"auto".equals(r.get("batch_size"))).toList();
    List<Map<String, Object>> autoRuns = allRuns.stream().filter(r -> "auto".equals(r.get("batch_size"))).toList();
    List<Map<String, Object>> ratios = new ArrayList<>();
    StringBuilder table = new StringBuilder();
    for (String model : MODELS) {
      TreeSet<Integer> batches = batches(runs, model, "all");
      if (batches.isEmpty()) {
        continue;
      }
      Double udf = rate(runs, model, "row_udf", 1);
      table.append(String.format("%n%s (rows/s; %s; fp32, libtorch, all input columns written)%n", model,
          model.equals("mlp") ? "rows" : "images"));
      table.append(String.format(
          "%6s %12s %12s %12s %12s %12s | %8s %8s %8s %8s%n", "batch", "passthrough", "raw", "torchscore",
          "row_udf", "python", "ts/pass", "ts/raw", "ts/udf", "ts/py"));
      for (int batch : batches) {
        Double ts = rate(runs, model, "torchscore", batch);
        String[] ratioCells = new String[4];
        String[] over = {"passthrough", "raw", "row_udf", "python"};
        for (int i = 0; i < over.length; i++) {
          Double other = "row_udf".equals(over[i]) ? udf : rate(runs, model, over[i], batch);
          ratioCells[i] = addRatio(ratios, model, "all", batch, over[i], ts, other);
        }
        table.append(String.format(
            "%6d %12s %12s %12s %12s %12s | %8s %8s %8s %8s%n", batch,
            cell(rate(runs, model, "passthrough", batch)), cell(rate(runs, model, "raw", batch)), cell(ts),
            batch == batches.first() ? cell(udf) : "", cell(rate(runs, model, "python", batch)),
            ratioCells[0], ratioCells[1], ratioCells[2], ratioCells[3]));
      }
      // Narrow outputs: torchscore writing only some input columns against the floor of that output.
      for (String columns : columnChoices(runs, model)) {
        table.append(String.format("%n%s, written columns %s + prediction (fp32, libtorch)%n", model, columns));
        table.append(String.format("%6s %12s %12s %12s | %8s %14s%n", "batch", "passthrough", "torchscore",
            "ts(all)", "ts/pass", "ts/ts(all)"));
        for (int batch : batches(runs, model, columns)) {
          Double ts = rate(runs, model, "torchscore", new Variant("fp32", "pytorch", columns), batch);
          Double floor = rate(runs, model, "passthrough", new Variant("fp32", "pytorch", columns), batch);
          Double all = rate(runs, model, "torchscore", batch);
          table.append(String.format("%6d %12s %12s %12s | %8s %14s%n", batch, cell(floor), cell(ts), cell(all),
              addRatio(ratios, model, columns, batch, "passthrough", ts, floor),
              addRatio(ratios, model, columns, batch, "torchscore", ts, all)));
        }
      }
    }
    List<Map<String, Object>> autoRatios = new ArrayList<>();
    table.append(auto(runs, autoRuns, autoRatios));
    table.append(exports(runs));
    table.append(ragged(runs));
    List<Map<String, Object>> targets = new ArrayList<>();
    StringBuilder targetLines = new StringBuilder();
    for (Target target : TARGETS) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("target", target.description());
      entry.put("ratio", "torchscore/" + target.over());
      entry.put("model", target.model());
      entry.put("output_columns", target.columns());
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
      String bestOfEach = "";
      if ("raw".equals(target.over())) {
        Double ts = bestRate(runs, target.model(), "torchscore");
        Double raw = bestRate(runs, target.model(), "raw");
        if (ts != null && raw != null) {
          entry.put("value_best_of_each", Math.round(ts / raw * 1000) / 1000.0);
          entry.put("met_best_of_each", ts / raw >= target.target());
          bestOfEach = String.format("; best of each %.2f%s", ts / raw, ts / raw >= target.target() ? " MET" : " BELOW");
        }
      }
      targets.add(entry);
      targetLines.append(String.format(
          "  %-52s at batch %d: %s%s; best %s (batch %s)%s%n", target.description(), defaultBatch,
          atDefault == null ? "n/a" : String.format("%.2f", (double) atDefault.get("value")),
          atDefault == null ? "" : ((boolean) atDefault.get("met") ? " MET" : " BELOW"),
          best == null ? "n/a" : String.format("%.2f", (double) best.get("value")),
          best == null ? "-" : best.get("batch_size"), bestOfEach));
    }

    Map<String, Object> result = new LinkedHashMap<>();
    result.put("issues", List.of(4, 10));
    result.put("machine", Machine.describe());
    if (wallSeconds >= 0) {
      result.put("benchmark_wall_seconds", Math.round(wallSeconds));
    }
    result.put("runs", allRuns);
    result.put("ratios", ratios);
    result.put("batch_size_auto", autoRatios);
    result.put("targets", targets);
    result.put("notes", notes);
    result.put("chart", chart.toAbsolutePath().toString());
    Files.createDirectories(out.toAbsolutePath().getParent());
    json.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), result);
    ThroughputChart.draw(runs, chart, Machine.describe().get("summary").toString());

    System.out.println();
    System.out.println("torchscore benchmark on " + Machine.describe().get("summary"));
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

  /** Adds torchscore's rate over another's to the ratios; returns the table cell. */
  private static String addRatio(
      List<Map<String, Object>> ratios, String model, String columns, int batch, String over, Double ts, Double other) {
    if (ts == null || other == null) {
      return "-";
    }
    double ratio = ts / other;
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("model", model);
    entry.put("output_columns", columns);
    entry.put("batch_size", batch);
    entry.put("ratio", "torchscore/" + over);
    entry.put("value", Math.round(ratio * 1000) / 1000.0);
    for (Target target : TARGETS) {
      if (matches(entry, target)) {
        entry.put("target", target.target());
        entry.put("met", ratio >= target.target());
      }
    }
    ratios.add(entry);
    return String.format("%.2f", ratio);
  }

  /**
   * The exports' table: each torchscore run of another precision or engine, with its speed-up
   * over the float32 libtorch run of the same model, written columns, batch size and rows (a
   * variant too slow for the whole table runs with its float32 baseline on the same smaller one),
   * and its outputs' largest difference from PyTorch's float32 outputs.
   */
  private static String exports(List<Map<String, Object>> runs) {
    StringBuilder table = new StringBuilder();
    for (Map<String, Object> run : runs) {
      if (!"torchscore".equals(run.get("mode")) || ("fp32".equals(run.get("precision")) && "pytorch".equals(run.get("engine")))) {
        continue;
      }
      if (table.length() == 0) {
        table.append(String.format("%nExports (torchscore mode; speed-up over fp32 libtorch, same columns, batch and rows)%n"));
        table.append(String.format("%-9s %-13s %-12s %-7s %6s %12s %12s %9s %13s %13s%n", "model", "precision", "engine",
            "columns", "batch", "rows/s", "fp32 rows/s", "speed-up", "max|diff|", "fp32 max|diff|"));
      }
      String model = (String) run.get("model");
      String columns = (String) run.get("output_columns");
      int batch = ((Number) run.get("batch_size")).intValue();
      Map<String, Object> fp32 =
          find(runs, model, "torchscore", new Variant("fp32", "pytorch", columns), batch, ((Number) run.get("rows")).longValue());
      Double rate = run.get("rows_per_s") == null ? null : ((Number) run.get("rows_per_s")).doubleValue();
      Double base = fp32 == null || fp32.get("rows_per_s") == null ? null : ((Number) fp32.get("rows_per_s")).doubleValue();
      if (rate != null && base != null) {
        run.put("speedup_over_fp32_pytorch", Math.round(rate / base * 1000) / 1000.0);
      }
      table.append(String.format("%-9s %-13s %-12s %-7s %6d %12s %12s %9s %13s %13s%n", model, run.get("precision"),
          run.get("engine"), columns, batch, rate == null ? "skipped" : cell(rate), cell(base),
          rate == null || base == null ? "-" : String.format("%.2f", rate / base), diff(run), diff(fp32)));
      if (rate == null) {
        table.append("    ").append(run.get("note")).append(System.lineSeparator());
      }
    }
    return table.toString();
  }

  /**
   * The batch.size=auto table: each auto run's rate over the best fixed batch size of the same
   * model and written columns in this run, against 0.95.
   */
  private static String auto(List<Map<String, Object>> runs, List<Map<String, Object>> autoRuns, List<Map<String, Object>> ratios) {
    StringBuilder table = new StringBuilder();
    for (Map<String, Object> run : autoRuns) {
      if (run.get("rows_per_s") == null) {
        continue;
      }
      String model = (String) run.get("model");
      Variant variant = new Variant((String) run.get("precision"), (String) run.get("engine"), (String) run.get("output_columns"));
      Map<String, Object> best = null;
      for (Map<String, Object> fixed : runs) {
        if (model.equals(fixed.get("model")) && "torchscore".equals(fixed.get("mode")) && isVariant(fixed, variant)
            && fixed.get("rows_per_s") != null && fixed.get("rows").equals(run.get("rows"))
            && (best == null || ((Number) fixed.get("rows_per_s")).doubleValue() > ((Number) best.get("rows_per_s")).doubleValue())) {
          best = fixed;
        }
      }
      if (best == null) {
        continue;
      }
      double rate = ((Number) run.get("rows_per_s")).doubleValue();
      double bestRate = ((Number) best.get("rows_per_s")).doubleValue();
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("model", model);
      entry.put("output_columns", variant.outputColumns());
      entry.put("batch_size_chosen", run.get("batch_size_chosen"));
      entry.put("probe_ms", run.get("probe_ms"));
      entry.put("rows_per_s", rate);
      entry.put("best_fixed_batch_size", best.get("batch_size"));
      entry.put("best_fixed_rows_per_s", bestRate);
      entry.put("ratio", Math.round(rate / bestRate * 1000) / 1000.0);
      entry.put("at_least", 0.95);
      entry.put("met", rate / bestRate >= 0.95);
      ratios.add(entry);
      if (table.length() == 0) {
        table.append(String.format("%nbatch.size=auto (torchscore; rate over the best fixed batch size of this run, target 0.95)%n"));
        table.append(String.format("%-9s %-8s %8s %9s %12s %11s %12s %7s%n", "model", "columns", "chosen", "probe ms",
            "auto rows/s", "best fixed", "rows/s", "ratio"));
      }
      table.append(String.format("%-9s %-8s %8s %9s %12s %11s %12s %7.2f%s%n", model, variant.outputColumns(),
          run.get("batch_size_chosen"), run.get("probe_ms"), cell(rate), best.get("batch_size"), cell(bestRate),
          rate / bestRate, rate / bestRate >= 0.95 ? " MET" : " BELOW"));
    }
    return table.toString();
  }

  /** The ragged-last-batch table: each way's rate over DJL's default (optimizer on, no padding). */
  private static String ragged(List<Map<String, Object>> runs) {
    StringBuilder table = new StringBuilder();
    for (String model : MODELS) {
      Map<String, Object> base = find(runs, model, "ragged-optimizer-on", Variant.NONE_WRITTEN, -1);
      for (String way : RaggedCommand.WAYS) {
        Map<String, Object> run = null;
        for (Map<String, Object> candidate : runs) {
          if (model.equals(candidate.get("model")) && ("ragged-" + way).equals(candidate.get("mode"))) {
            run = candidate;
          }
        }
        if (run == null) {
          continue;
        }
        if (table.length() == 0) {
          table.append(String.format("%nRagged last batches (one loop, one libtorch thread; rate over optimizer-on)%n"));
        }
        double rate = ((Number) run.get("rows_per_s")).doubleValue();
        table.append(String.format("%-9s %-14s batch %5s %12s %6s  %s%n", model, way, run.get("batch_size"), cell(rate),
            base == null ? "-" : String.format("%.2f", rate / ((Number) base.get("rows_per_s")).doubleValue()),
            run.get("note")));
      }
    }
    return table.toString();
  }

  private static String diff(Map<String, Object> run) {
    return run == null || run.get("max_abs_diff") == null ? "-" : String.format("%.3g", ((Number) run.get("max_abs_diff")).doubleValue());
  }

  private static boolean matches(Map<String, Object> ratio, Target target) {
    return target.model().equals(ratio.get("model")) && ("torchscore/" + target.over()).equals(ratio.get("ratio"))
        && target.columns().equals(ratio.get("output_columns"));
  }

  private static Map<String, Object> find(List<Map<String, Object>> ratios, Target target, int batch) {
    for (Map<String, Object> ratio : ratios) {
      if (matches(ratio, target) && ((Number) ratio.get("batch_size")).intValue() == batch) {
        return ratio;
      }
    }
    return null;
  }

  /** The batch sizes of a model's runs writing these columns (row_udf and passthrough have none). */
  private static TreeSet<Integer> batches(List<Map<String, Object>> runs, String model, String columns) {
    TreeSet<Integer> batches = new TreeSet<>();
    runs.stream()
        .filter(r -> model.equals(r.get("model")) && "fp32".equals(r.get("precision")) && "pytorch".equals(r.get("engine"))
            && (columns.equals(r.get("output_columns")) || "none".equals(r.get("output_columns")) && "all".equals(columns))
            && MODES.contains(r.get("mode")) && !"row_udf".equals(r.get("mode")) && !"passthrough".equals(r.get("mode")))
        .forEach(r -> batches.add(((Number) r.get("batch_size")).intValue()));
    return batches;
  }

  /** The written-column choices other than all among a model's torchscore runs. */
  private static TreeSet<String> columnChoices(List<Map<String, Object>> runs, String model) {
    TreeSet<String> choices = new TreeSet<>();
    runs.stream()
        .filter(r -> model.equals(r.get("model")) && "torchscore".equals(r.get("mode")) && !"all".equals(r.get("output_columns")))
        .forEach(r -> choices.add((String) r.get("output_columns")));
    return choices;
  }

  /** The rate of the default variant (fp32, libtorch, all columns written). */
  static Double rate(List<Map<String, Object>> runs, String model, String mode, int batch) {
    return rate(runs, model, mode, Variant.DEFAULT, batch);
  }

  /** A run's rate; passthrough has one rate whatever the batch size (it has no batches), as has any mode for batch -1. */
  static Double rate(List<Map<String, Object>> runs, String model, String mode, Variant variant, int batch) {
    Map<String, Object> run = find(runs, model, mode, variant, batch);
    return run == null || run.get("rows_per_s") == null ? null : ((Number) run.get("rows_per_s")).doubleValue();
  }

  private static Map<String, Object> find(List<Map<String, Object>> runs, String model, String mode, Variant variant, int batch) {
    return find(runs, model, mode, variant, batch, -1);
  }

  /** The first run of a mode, variant and batch size (and, unless {@code rows} is negative, of that many rows). */
  private static Map<String, Object> find(
      List<Map<String, Object>> runs, String model, String mode, Variant variant, int batch, long rows) {
    // raw and python write no input column: their rows are compared with any written columns.
    Variant wanted =
        List.of("raw", "python").contains(mode) ? new Variant(variant.precision(), variant.engine(), "none") : variant;
    for (Map<String, Object> run : runs) {
      if (model.equals(run.get("model")) && mode.equals(run.get("mode")) && isVariant(run, wanted)
          && ("passthrough".equals(mode) || batch < 0 || ((Number) run.get("batch_size")).intValue() == batch)
          && (rows < 0 || ((Number) run.get("rows")).longValue() == rows)) {
        return run;
      }
    }
    return null;
  }

  /** Whether a run is of this variant; a run from before variants were recorded is the default. */
  static boolean isVariant(Map<String, Object> run, Variant variant) {
    return variant.precision().equals(run.getOrDefault("precision", "fp32"))
        && variant.engine().equals(run.getOrDefault("engine", "pytorch"))
        && variant.outputColumns().equals(run.getOrDefault("output_columns", "all"));
  }

  /**
   * The best rate of a mode's default variant over its batch sizes, each the batch size's first run
   * (as in the tables): a later run of the same batch size, such as the exports' float32 baseline
   * on the first images, is not the whole table's.
   */
  private static Double bestRate(List<Map<String, Object>> runs, String model, String mode) {
    TreeSet<Integer> sizes = new TreeSet<>();
    runs.stream()
        .filter(r -> model.equals(r.get("model")) && mode.equals(r.get("mode")))
        .forEach(r -> sizes.add(((Number) r.get("batch_size")).intValue()));
    Double best = null;
    for (int size : sizes) {
      Double rate = rate(runs, model, mode, size);
      if (rate != null) {
        best = best == null ? rate : Math.max(best, rate);
      }
    }
    return best;
  }


  private static String cell(Double rate) {
    if (rate == null) {
      return "-";
    }
    return rate >= 1e6 ? String.format("%.2fM", rate / 1e6) : rate >= 1e4 ? String.format("%.1fk", rate / 1e3)
        : String.format("%.1f", rate);
  }
}
