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
 * one JSON line to the runs file that {@link ReportCommand} merges.
 *
 * @param model {@code mlp} or {@code resnet18}
 * @param mode passthrough, raw, torchscore, row_udf or python
 * @param batchSize rows per batch (1 for row_udf: one model call per row)
 * @param rows rows the run processed
 * @param seconds wall time of the timed work
 * @param threads how the cores were used, in words
 * @param note anything a reader must know to compare this run, or null
 */
record RunRecord(
    String model, String mode, int batchSize, long rows, double seconds, String threads, String note) {

  double rowsPerSecond() {
    return rows / seconds;
  }

  Map<String, Object> toMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("model", model);
    map.put("mode", mode);
    map.put("batch_size", batchSize);
    map.put("rows", rows);
    map.put("seconds", Math.round(seconds * 1000) / 1000.0);
    map.put("rows_per_s", Math.round(rowsPerSecond() * 10) / 10.0);
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
    System.out.printf(
        "bench: %-9s %-11s batch %6d: %d rows in %.2f s = %,.0f rows/s%n",
        model, mode, batchSize, rows, seconds, rowsPerSecond());
  }
}
