package io.torchscore.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One timed run of one mode at one batch size: the unit of the benchmark's results, appended as
 * one JSON line to the runs file that {@link ReportCommand} merges. A skipped run (a variant the
 * product refuses) has no rate: its note says why.
 *
 * @param model {@code mlp} or {@code resnet18}
 * @param mode passthrough, raw, torchscore, row_udf or python
 * @param variant the model's precision, its engine and the input columns written
 * @param batchSize rows per batch (1 for row_udf: one model call per row; 0 for passthrough: no batches)
 * @param rows rows the run processed
 * @param seconds wall time of the timed work
 * @param threads how the cores were used, in words
 * @param note anything a reader must know to compare this run, or null
 * @param maxAbsDiff the largest difference of the run's outputs from PyTorch's float32 outputs
 *     on the same rows, or null when not measured
 * @param batchSizeChosen with {@code batchSize} {@link #AUTO}: the size {@code batch.size=auto}
 *     chose (the largest over executors); else null
 * @param probeMillis with {@link #AUTO}: the time its timed batches took in the first run (the
 *     later runs reuse the choice, kept with the loaded model); else null
 * @param path torchscore's physical scoring path, {@link #COLUMNAR} (the step reads the scan's
 *     columnar batches) or {@link #ROWS} ({@code spark.torchscore.columnar=false}); null for the
 *     other modes
 * @param medianSeconds with {@code seconds} the fastest of several timed runs, their median; else
 *     null
 */
record RunRecord(
    String model,
    String mode,
    Variant variant,
    int batchSize,
    long rows,
    double seconds,
    String threads,
    String note,
    Double maxAbsDiff,
    Integer batchSizeChosen,
    Long probeMillis,
    String path,
    Double medianSeconds) {

  /** The batch size of a {@code batch.size=auto} run. */
  static final int AUTO = -1;

  /** torchscore's path reading the scan's columnar batches (the default on Parquet and ORC). */
  static final String COLUMNAR = "columnar";

  /** torchscore's path scoring rows ({@code spark.torchscore.columnar=false}). */
  static final String ROWS = "rows";

  RunRecord(
      String model, String mode, Variant variant, int batchSize, long rows, double seconds, String threads, String note,
      Double maxAbsDiff, Integer batchSizeChosen, Long probeMillis) {
    this(model, mode, variant, batchSize, rows, seconds, threads, note, maxAbsDiff, batchSizeChosen, probeMillis, null, null);
  }

  RunRecord(
      String model, String mode, Variant variant, int batchSize, long rows, double seconds, String threads, String note,
      Double maxAbsDiff) {
    this(model, mode, variant, batchSize, rows, seconds, threads, note, maxAbsDiff, null, null, null, null);
  }

  /** This run, on torchscore's {@code path} ({@link #COLUMNAR} or {@link #ROWS}). */
  RunRecord withPath(String path) {
    return new RunRecord(
        model, mode, variant, batchSize, rows, seconds, threads, note, maxAbsDiff, batchSizeChosen, probeMillis, path,
        medianSeconds);
  }

  /** This run, the fastest of several whose median took {@code seconds}. */
  RunRecord withMedian(double seconds) {
    return new RunRecord(
        model, mode, variant, batchSize, rows, this.seconds, threads, note, maxAbsDiff, batchSizeChosen, probeMillis, path,
        seconds);
  }

  /**
   * What is scored and written: {@code precision} fp32, bf16, fp16, int8-dynamic or int8-static;
   * {@code engine} pytorch or onnxruntime; {@code outputColumns} all, the kept input columns, or
   * none (raw and python keep only the predictions).
   */
  record Variant(String precision, String engine, String outputColumns) {

    /** The float32 TorchScript model on libtorch, every input column written. */
    static final Variant DEFAULT = new Variant("fp32", "pytorch", "all");

    /** The float32 TorchScript model on libtorch, no input column written (raw, python). */
    static final Variant NONE_WRITTEN = new Variant("fp32", "pytorch", "none");

    /** Parses {@code precision:engine:columns}, e.g. {@code int8-dynamic:pytorch:id}. */
    static Variant parse(String text) {
      String[] parts = text.split(":", -1);
      if (parts.length != 3) {
        throw new IllegalArgumentException("a variant is precision:engine:columns; got " + text);
      }
      return new Variant(parts[0], parts[1], parts[2]);
    }

    boolean isDefault() {
      return equals(DEFAULT);
    }

    @Override
    public String toString() {
      return precision + ":" + engine + ":" + outputColumns;
    }
  }

  /** A run the product refused, recorded with the reason instead of a rate. */
  static RunRecord skipped(String model, String mode, Variant variant, int batchSize, String threads, String reason) {
    return new RunRecord(model, mode, variant, batchSize, 0, 0, threads, reason, null);
  }

  boolean isSkipped() {
    return rows == 0;
  }

  double rowsPerSecond() {
    return rows / seconds;
  }

  Map<String, Object> toMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("model", model);
    map.put("mode", mode);
    map.put("precision", variant.precision());
    map.put("engine", variant.engine());
    map.put("output_columns", variant.outputColumns());
    map.put("batch_size", batchSize == AUTO ? "auto" : batchSize);
    if (batchSize == AUTO) {
      map.put("batch_size_chosen", batchSizeChosen);
      map.put("probe_ms", probeMillis);
    }
    if (path != null) {
      map.put("path", path);
    }
    map.put("rows", rows);
    map.put("seconds", Math.round(seconds * 1000) / 1000.0);
    map.put("rows_per_s", isSkipped() ? null : Math.round(rowsPerSecond() * 10) / 10.0);
    if (medianSeconds != null) {
      map.put("median_seconds", Math.round(medianSeconds * 1000) / 1000.0);
      map.put("median_rows_per_s", Math.round(rows / medianSeconds * 10) / 10.0);
    }
    if (isSkipped()) {
      map.put("skipped", true);
    }
    if (maxAbsDiff != null) {
      map.put("max_abs_diff", maxAbsDiff);
    }
    map.put("threads", threads);
    if (note != null) {
      map.put("note", note);
    }
    return map;
  }

  /** Appends this run to the JSON-lines file and prints one line about it. */
  void append(Path runs) {
    try {
      Files.createDirectories(runs.toAbsolutePath().getParent());
      Files.writeString(
          runs,
          new ObjectMapper().writeValueAsString(toMap()) + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String what =
        (variant.isDefault() || variant.equals(Variant.NONE_WRITTEN) ? "" : " [" + variant + "]")
            + (path == null ? "" : " (" + path + ")");
    if (isSkipped()) {
      System.out.printf("bench: %-9s %-11s%s: skipped: %s%n", model, mode, what, note);
      return;
    }
    System.out.printf(
        "bench: %-9s %-11s%s batch %6s: %d rows in %.2f s = %,.0f rows/s%s%n",
        model, mode, what, batchSize == AUTO ? "auto=" + batchSizeChosen : Integer.toString(batchSize), rows, seconds, rowsPerSecond(),
        maxAbsDiff == null ? "" : String.format(", max |diff| vs PyTorch fp32 %.3g", maxAbsDiff));
  }
}
