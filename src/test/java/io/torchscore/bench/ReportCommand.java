package io.torchscore.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
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
 *
 * <p>torchscore's runs carry their physical path, {@code columnar} or {@code rows}: every lookup of
 * a torchscore run names the path it wants, so that no table or ratio mixes the two. The ratios,
 * the targets, batch.size=auto, the exports and the chart use each model's default path: columnar
 * where the model has columnar runs (the Parquet tables), else rows (the JPEG files: binaryFile's
 * scan gives rows). The {@code bounds} section holds every fp32 torchscore run of both paths
 * against its bound, {@code 1 / (1/floor + 1/raw)}: the rate of doing the floor's read and write
 * and the raw loop's forwards one after the other.
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

  /**
   * A target for torchscore's rate over its bound at one batch size: {@code columns} the written
   * columns of torchscore and its floor.
   */
  record BoundTarget(String model, String columns, int batchSize, double target) {

    String description() {
      return String.format("%s %s b%d: torchscore >= %.2f x bound(floor, raw)", model, columns, batchSize, target);
    }
  }

  static final List<BoundTarget> BOUND_TARGETS =
      List.of(
          new BoundTarget("mlp", "id", 1024, 0.95),
          new BoundTarget("mlp", "id", 4096, 0.95),
          new BoundTarget("mlp", "all", 16384, 0.97),
          new BoundTarget("resnet18", "id", 16, 0.95));

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
    List<Map<String, Object>> bounds = bounds(runs);
    table.append(boundsTable(bounds));
    List<Map<String, Object>> targets = new ArrayList<>();
    StringBuilder targetLines = new StringBuilder();
    for (Target target : TARGETS) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("target", target.description());
      entry.put("ratio", "torchscore/" + target.over());
      entry.put("model", target.model());
      entry.put("output_columns", target.columns());
      entry.put("at_least", target.target());
      entry.put("path", defaultPath(runs, target.model()));
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
    for (BoundTarget target : BOUND_TARGETS) {
      String path = defaultPath(runs, target.model());
      Map<String, Object> bound = null;
      for (Map<String, Object> candidate : bounds) {
        if (target.equals(boundTarget(candidate)) && path.equals(candidate.get("path"))) {
          bound = candidate;
        }
      }
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("target", target.description());
      entry.put("ratio", "torchscore/bound");
      entry.put("model", target.model());
      entry.put("output_columns", target.columns());
      entry.put("batch_size", target.batchSize());
      entry.put("path", path);
      entry.put("at_least", target.target());
      entry.put("value", bound == null ? null : bound.get("ratio_to_bound"));
      entry.put("met", bound == null ? null : bound.get("met"));
      targets.add(entry);
      targetLines.append(String.format(
          "  %-52s (%s): %s%n", target.description(), path,
          bound == null ? "n/a" : String.format("%.3f%s", (double) bound.get("ratio_to_bound"),
              (boolean) bound.get("met") ? " MET" : " BELOW")));
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
    result.put("bounds", bounds);
    result.put("targets", targets);
    List<String> allNotes = new ArrayList<>(notes);
    allNotes.add(PATH_NOTE);
    result.put("notes", allNotes);
    result.put("chart", chart.toAbsolutePath().toString());
    Files.createDirectories(out.toAbsolutePath().getParent());
    json.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), result);
    ThroughputChart.draw(onDefaultPath(runs), chart, Machine.describe().get("summary").toString());

    System.out.println();
    System.out.println("torchscore benchmark on " + Machine.describe().get("summary"));
    System.out.print(table);
    System.out.println();
    System.out.println("Targets (ratios of this run):");
    System.out.print(targetLines);
    for (String note : allNotes) {
      System.out.println("Note: " + note);
    }
    System.out.println("Chart: " + chart.toAbsolutePath());
    return 0;
  }

  static final String PATH_NOTE =
      "paths: runs[]' torchscore runs carry \"path\": columnar (the step reads the Parquet scan's columnar batches,"
          + " the default) or rows (spark.torchscore.columnar=false); the ratios, targets, batch_size_auto, the exports"
          + " and the chart use the columnar runs (resnet18_jpeg: rows, binaryFile's scan gives rows); bounds holds"
          + " both paths: each fp32 torchscore run over bound = 1 / (1/floor + 1/raw) (floor: passthrough writing the"
          + " same columns; raw: the raw DJL loop at the same batch size), and columnar_over_rows where both ran";

  /** The rate of doing a floor's work and a raw loop's, one after the other: {@code 1 / (1/floor + 1/raw)}. */
  static double bound(double floor, double raw) {
    return 1 / (1 / floor + 1 / raw);
  }

  /**
   * One entry per fp32 libtorch torchscore run at a fixed batch size (the first of each model,
   * written columns, batch size and path, as in the tables): its rate, its floor (passthrough
   * writing the same columns), its raw loop (the same batch size), its bound and its rate over
   * the bound, with the target where one applies, and {@code columnar_over_rows} where both paths
   * ran.
   */
  static List<Map<String, Object>> bounds(List<Map<String, Object>> runs) {
    Map<List<Object>, Map<String, Object>> first = new LinkedHashMap<>();
    for (Map<String, Object> run : runs) {
      if ("torchscore".equals(run.get("mode")) && run.get("batch_size") instanceof Number && run.get("rows_per_s") != null
          && "fp32".equals(run.getOrDefault("precision", "fp32")) && "pytorch".equals(run.getOrDefault("engine", "pytorch"))) {
        first.putIfAbsent(
            List.of(run.get("model"), run.getOrDefault("output_columns", "all"), ((Number) run.get("batch_size")).intValue(),
                pathOf(run)),
            run);
      }
    }
    List<Map<String, Object>> bounds = new ArrayList<>();
    for (Map<String, Object> run : first.values()) {
      String model = (String) run.get("model");
      String columns = (String) run.getOrDefault("output_columns", "all");
      int batch = ((Number) run.get("batch_size")).intValue();
      String path = pathOf(run);
      double rate = ((Number) run.get("rows_per_s")).doubleValue();
      Variant variant = new Variant("fp32", "pytorch", columns);
      Double floor = rate(runs, model, "passthrough", variant, batch, null);
      Double raw = rate(runs, model, "raw", variant, batch, null);
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("model", model);
      entry.put("output_columns", columns);
      entry.put("batch_size", batch);
      entry.put("path", path);
      entry.put("rows_per_s", rate);
      entry.put("floor_rows_per_s", floor);
      entry.put("raw_rows_per_s", raw);
      Double ratio = null;
      if (floor != null && raw != null) {
        double bound = bound(floor, raw);
        ratio = rate / bound;
        entry.put("bound_rows_per_s", Math.round(bound * 10) / 10.0);
        entry.put("ratio_to_bound", Math.round(ratio * 1000) / 1000.0);
      } else {
        entry.put("bound_rows_per_s", null);
        entry.put("ratio_to_bound", null);
      }
      for (BoundTarget target : BOUND_TARGETS) {
        if (target.model().equals(model) && target.columns().equals(columns) && target.batchSize() == batch) {
          entry.put("target", target.target());
          entry.put("met", ratio == null ? null : ratio >= target.target());
        }
      }
      bounds.add(entry);
    }
    // Where both paths ran: the columnar path's rate over the rows path's.
    for (Map<String, Object> columnar : bounds) {
      for (Map<String, Object> rows : bounds) {
        if (RunRecord.COLUMNAR.equals(columnar.get("path")) && RunRecord.ROWS.equals(rows.get("path"))
            && columnar.get("model").equals(rows.get("model")) && columnar.get("output_columns").equals(rows.get("output_columns"))
            && columnar.get("batch_size").equals(rows.get("batch_size"))) {
          double value = Math.round((double) columnar.get("rows_per_s") / (double) rows.get("rows_per_s") * 1000) / 1000.0;
          columnar.put("columnar_over_rows", value);
          rows.put("columnar_over_rows", value);
        }
      }
    }
    bounds.sort(
        Comparator.<Map<String, Object>>comparingInt(b -> MODELS.indexOf(b.get("model")))
            .thenComparing(b -> "all".equals(b.get("output_columns")) ? "" : (String) b.get("output_columns"))
            .thenComparingInt(b -> (int) b.get("batch_size"))
            .thenComparing(b -> RunRecord.COLUMNAR.equals(b.get("path")) ? 0 : 1));
    return bounds;
  }

  /** The bound target an entry of {@link #bounds} falls under, or null. */
  private static BoundTarget boundTarget(Map<String, Object> bound) {
    for (BoundTarget target : BOUND_TARGETS) {
      if (target.model().equals(bound.get("model")) && target.columns().equals(bound.get("output_columns"))
          && target.batchSize() == (int) bound.get("batch_size")) {
        return target;
      }
    }
    return null;
  }

  /** The bounds' table: one line per torchscore run. */
  private static String boundsTable(List<Map<String, Object>> bounds) {
    if (bounds.isEmpty()) {
      return "";
    }
    StringBuilder table = new StringBuilder();
    table.append(String.format(
        "%nBounds (fp32, libtorch; bound = 1 / (1/floor + 1/raw): floor = passthrough writing the same columns,"
            + " raw = the raw DJL loop at the same batch; rows/s)%n"));
    table.append(String.format("%-9s %-8s %6s %-9s %12s %12s %12s %12s %7s %12s %9s%n", "model", "columns", "batch",
        "path", "torchscore", "floor", "raw", "bound", "ratio", "target", "col/rows"));
    for (Map<String, Object> bound : bounds) {
      Double ratio = (Double) bound.get("ratio_to_bound");
      String target = "-";
      if (bound.get("target") != null) {
        target = String.format(">=%.2f %s", (double) bound.get("target"),
            bound.get("met") == null ? "n/a" : (boolean) bound.get("met") ? "MET" : "BELOW");
      }
      table.append(String.format("%-9s %-8s %6d %-9s %12s %12s %12s %12s %7s %12s %9s%n", bound.get("model"),
          bound.get("output_columns"), (int) bound.get("batch_size"), bound.get("path"), cell((Double) bound.get("rows_per_s")),
          cell((Double) bound.get("floor_rows_per_s")), cell((Double) bound.get("raw_rows_per_s")),
          cell((Double) bound.get("bound_rows_per_s")), ratio == null ? "-" : String.format("%.3f", ratio), target,
          bound.get("columnar_over_rows") == null ? "-" : String.format("%.2f", (double) bound.get("columnar_over_rows"))));
    }
    return table.toString();
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
      if (!"torchscore".equals(run.get("mode")) || ("fp32".equals(run.get("precision")) && "pytorch".equals(run.get("engine")))
          || !pathOf(run).equals(defaultPath(runs, (String) run.get("model")))) {
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
          find(runs, model, "torchscore", new Variant("fp32", "pytorch", columns), batch, ((Number) run.get("rows")).longValue(),
              pathOf(run));
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
   * model and written columns in this run, against 0.95. With several timed runs of each, in
   * turns, the target is judged on their medians: the fastest run is one lucky spell of the
   * machine, and two runs of the same batch size differed by a tenth that way here.
   */
  private static String auto(List<Map<String, Object>> runs, List<Map<String, Object>> autoRuns, List<Map<String, Object>> ratios) {
    StringBuilder table = new StringBuilder();
    for (Map<String, Object> run : autoRuns) {
      if (run.get("rows_per_s") == null || !pathOf(run).equals(defaultPath(runs, (String) run.get("model")))) {
        continue;
      }
      String model = (String) run.get("model");
      Variant variant = new Variant((String) run.get("precision"), (String) run.get("engine"), (String) run.get("output_columns"));
      Map<String, Object> best = null;
      Map<String, Object> bestMedian = null;
      for (Map<String, Object> fixed : runs) {
        if (model.equals(fixed.get("model")) && "torchscore".equals(fixed.get("mode")) && isVariant(fixed, variant)
            && pathOf(fixed).equals(pathOf(run)) && fixed.get("rows_per_s") != null && fixed.get("rows").equals(run.get("rows"))) {
          best = faster(fixed, best, "rows_per_s");
          bestMedian = faster(fixed, bestMedian, "median_rows_per_s");
        }
      }
      if (best == null) {
        continue;
      }
      double rate = ((Number) run.get("rows_per_s")).doubleValue();
      double bestRate = ((Number) best.get("rows_per_s")).doubleValue();
      Double medianRatio =
          run.get("median_rows_per_s") == null || bestMedian == null
              ? null
              : ((Number) run.get("median_rows_per_s")).doubleValue()
                  / ((Number) bestMedian.get("median_rows_per_s")).doubleValue();
      double judged = medianRatio == null ? rate / bestRate : medianRatio;
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("model", model);
      entry.put("output_columns", variant.outputColumns());
      entry.put("path", pathOf(run));
      entry.put("batch_size_chosen", run.get("batch_size_chosen"));
      entry.put("probe_ms", run.get("probe_ms"));
      entry.put("rows_per_s", rate);
      entry.put("best_fixed_batch_size", best.get("batch_size"));
      entry.put("best_fixed_rows_per_s", bestRate);
      entry.put("ratio", Math.round(rate / bestRate * 1000) / 1000.0);
      if (medianRatio != null) {
        entry.put("median_rows_per_s", run.get("median_rows_per_s"));
        entry.put("best_fixed_median_batch_size", bestMedian.get("batch_size"));
        entry.put("best_fixed_median_rows_per_s", bestMedian.get("median_rows_per_s"));
        entry.put("median_ratio", Math.round(medianRatio * 1000) / 1000.0);
      }
      entry.put("judged_on", medianRatio == null ? "fastest run" : "median run");
      entry.put("at_least", 0.95);
      entry.put("met", judged >= 0.95);
      ratios.add(entry);
      if (table.length() == 0) {
        table.append(String.format("%nbatch.size=auto (torchscore; rate over the best fixed batch size of this run, target 0.95,"
            + " judged on the median run where there are several)%n"));
        table.append(String.format("%-9s %-8s %8s %9s %12s %11s %12s %7s %7s%n", "model", "columns", "chosen", "probe ms",
            "auto rows/s", "best fixed", "rows/s", "ratio", "median"));
      }
      table.append(String.format("%-9s %-8s %8s %9s %12s %11s %12s %7.2f %7s%s%n", model, variant.outputColumns(),
          run.get("batch_size_chosen"), run.get("probe_ms"), cell(rate), best.get("batch_size"), cell(bestRate),
          rate / bestRate, medianRatio == null ? "-" : String.format("%.2f", medianRatio), judged >= 0.95 ? " MET" : " BELOW"));
    }
    return table.toString();
  }

  /** Returns the run with the higher {@code key} (a rate) of the two; {@code best} may be null, a run without it loses. */
  private static Map<String, Object> faster(Map<String, Object> run, Map<String, Object> best, String key) {
    if (run.get(key) == null) {
      return best;
    }
    return best == null || ((Number) run.get(key)).doubleValue() > ((Number) best.get(key)).doubleValue() ? run : best;
  }

  /** The ragged-last-batch table: each way's rate over DJL's default (optimizer on, no padding). */
  private static String ragged(List<Map<String, Object>> runs) {
    StringBuilder table = new StringBuilder();
    for (String model : MODELS) {
      Map<String, Object> base = find(runs, model, "ragged-optimizer-on", Variant.NONE_WRITTEN, -1, -1, null);
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
            && onDefaultPath(runs, r)
            && (columns.equals(r.get("output_columns")) || "none".equals(r.get("output_columns")) && "all".equals(columns))
            && MODES.contains(r.get("mode")) && !"row_udf".equals(r.get("mode")) && !"passthrough".equals(r.get("mode")))
        .forEach(r -> batches.add(((Number) r.get("batch_size")).intValue()));
    return batches;
  }

  /** The written-column choices other than all among a model's torchscore runs. */
  private static TreeSet<String> columnChoices(List<Map<String, Object>> runs, String model) {
    TreeSet<String> choices = new TreeSet<>();
    runs.stream()
        .filter(r -> model.equals(r.get("model")) && "torchscore".equals(r.get("mode")) && !"all".equals(r.get("output_columns"))
            && onDefaultPath(runs, r))
        .forEach(r -> choices.add((String) r.get("output_columns")));
    return choices;
  }

  /** The rate of the default variant (fp32, libtorch, all columns written). */
  static Double rate(List<Map<String, Object>> runs, String model, String mode, int batch) {
    return rate(runs, model, mode, Variant.DEFAULT, batch);
  }

  /** A run's rate, torchscore's on the model's {@link #defaultPath}. */
  static Double rate(List<Map<String, Object>> runs, String model, String mode, Variant variant, int batch) {
    return rate(runs, model, mode, variant, batch, "torchscore".equals(mode) ? defaultPath(runs, model) : null);
  }

  /**
   * A run's rate; passthrough has one rate whatever the batch size (it has no batches), as has any
   * mode for batch -1. {@code path}: torchscore's path (columnar or rows), null for the other modes.
   */
  static Double rate(List<Map<String, Object>> runs, String model, String mode, Variant variant, int batch, String path) {
    Map<String, Object> run = find(runs, model, mode, variant, batch, -1, path);
    return run == null || run.get("rows_per_s") == null ? null : ((Number) run.get("rows_per_s")).doubleValue();
  }

  /**
   * The first run of a mode, variant and batch size (and, unless {@code rows} is negative, of that
   * many rows); a torchscore run on {@code path} only (which must be given for torchscore).
   */
  private static Map<String, Object> find(
      List<Map<String, Object>> runs, String model, String mode, Variant variant, int batch, long rows, String path) {
    if ("torchscore".equals(mode) && path == null) {
      throw new IllegalArgumentException("a lookup of torchscore runs names their path");
    }
    // raw and python write no input column: their rows are compared with any written columns.
    Variant wanted =
        List.of("raw", "python").contains(mode) ? new Variant(variant.precision(), variant.engine(), "none") : variant;
    for (Map<String, Object> run : runs) {
      if (model.equals(run.get("model")) && mode.equals(run.get("mode")) && isVariant(run, wanted)
          && ("passthrough".equals(mode) || batch < 0 || ((Number) run.get("batch_size")).intValue() == batch)
          && (rows < 0 || ((Number) run.get("rows")).longValue() == rows)
          && (!"torchscore".equals(mode) || path.equals(pathOf(run)))) {
        return run;
      }
    }
    return null;
  }

  /**
   * A torchscore run's path: its {@code path}, or columnar for a run from before paths were
   * recorded (the benchmark read Parquet); null for the other modes.
   */
  static String pathOf(Map<String, Object> run) {
    if (!"torchscore".equals(run.get("mode"))) {
      return null;
    }
    Object path = run.get("path");
    return path == null ? RunRecord.COLUMNAR : (String) path;
  }

  /**
   * The path the ratios, targets, auto, exports and chart use for a model's torchscore runs:
   * columnar where the model has a columnar run, else rows (binaryFile's scan gives rows).
   */
  static String defaultPath(List<Map<String, Object>> runs, String model) {
    for (Map<String, Object> run : runs) {
      if (model.equals(run.get("model")) && RunRecord.COLUMNAR.equals(pathOf(run))) {
        return RunRecord.COLUMNAR;
      }
    }
    for (Map<String, Object> run : runs) {
      if (model.equals(run.get("model")) && RunRecord.ROWS.equals(pathOf(run))) {
        return RunRecord.ROWS;
      }
    }
    return RunRecord.COLUMNAR;
  }

  /** Whether a run is not a torchscore run of a path other than its model's default. */
  private static boolean onDefaultPath(List<Map<String, Object>> runs, Map<String, Object> run) {
    return !"torchscore".equals(run.get("mode")) || pathOf(run).equals(defaultPath(runs, (String) run.get("model")));
  }

  /** The runs less torchscore's on a path other than their model's default (the chart's). */
  static List<Map<String, Object>> onDefaultPath(List<Map<String, Object>> runs) {
    return runs.stream().filter(r -> onDefaultPath(runs, r)).toList();
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
