package io.torchscore.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.torchscore.bench.RunRecord.Variant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The report's bounds and its path-aware lookups, over hand-written runs (no Spark). */
class ReportBoundsTest {

  private static final Variant ID = new Variant("fp32", "pytorch", "id");

  @Test
  void boundIsTheRateOfDoingBothOneAfterTheOther() {
    assertEquals(3.333e6, ReportCommand.bound(4e6, 20e6), 1e3);
    assertEquals(1e6, ReportCommand.bound(2e6, 2e6), 1e-6);
  }

  @Test
  void eachTorchscoreRunIsSetAgainstItsFloorItsRawLoopAndItsTarget() {
    List<Map<String, Object>> runs =
        List.of(
            run("passthrough", "id", 0, 4e6, null),
            run("raw", "none", 1024, 20e6, null),
            run("raw", "none", 4096, 30e6, null),
            // The rows path listed first: the lookups must not take it for the columnar one.
            run("torchscore", "id", 1024, 2e6, "rows"),
            run("torchscore", "id", 1024, 3.2e6, "columnar"),
            run("torchscore", "id", 4096, 3.5e6, "columnar"));
    List<Map<String, Object>> bounds = ReportCommand.bounds(runs);
    assertEquals(3, bounds.size());

    Map<String, Object> columnar = bounds.get(0);
    assertEquals(List.of("mlp", "id", 1024, "columnar"), key(columnar));
    assertEquals(4e6, columnar.get("floor_rows_per_s"));
    assertEquals(20e6, columnar.get("raw_rows_per_s"));
    assertEquals(3333333.3, (double) columnar.get("bound_rows_per_s"), 0.1);
    assertEquals(0.96, (double) columnar.get("ratio_to_bound"), 1e-9); // 3.2e6 / 3.333e6
    assertEquals(0.95, columnar.get("target"));
    assertEquals(true, columnar.get("met"));
    assertEquals(1.6, (double) columnar.get("columnar_over_rows"), 1e-9);

    Map<String, Object> rows = bounds.get(1);
    assertEquals(List.of("mlp", "id", 1024, "rows"), key(rows));
    assertEquals(0.6, (double) rows.get("ratio_to_bound"), 1e-9); // 2e6 / 3.333e6
    assertEquals(false, rows.get("met"));
    assertEquals(1.6, (double) rows.get("columnar_over_rows"), 1e-9);

    Map<String, Object> b4096 = bounds.get(2);
    assertEquals(List.of("mlp", "id", 4096, "columnar"), key(b4096));
    // bound(4e6, 30e6) = 3.529e6
    assertEquals(3529411.8, (double) b4096.get("bound_rows_per_s"), 0.1);
    assertEquals(0.992, (double) b4096.get("ratio_to_bound"), 1e-9);
    assertEquals(true, b4096.get("met"));
    assertFalse(b4096.containsKey("columnar_over_rows"));
  }

  @Test
  void aRunWithoutItsFloorOrRawLoopHasNoBoundAndATargetWithoutTarget() {
    List<Map<String, Object>> runs =
        List.of(run("raw", "none", 16384, 10e6, null), run("torchscore", "all", 16384, 2e6, "columnar"));
    Map<String, Object> bound = ReportCommand.bounds(runs).get(0);
    assertNull(bound.get("floor_rows_per_s"));
    assertNull(bound.get("bound_rows_per_s"));
    assertNull(bound.get("ratio_to_bound"));
    assertEquals(0.97, bound.get("target"));
    assertNull(bound.get("met"));
  }

  @Test
  void theExistingLookupsTakeTheColumnarRuns() {
    List<Map<String, Object>> runs =
        List.of(run("torchscore", "id", 1024, 2e6, "rows"), run("torchscore", "id", 1024, 3e6, "columnar"));
    assertEquals("columnar", ReportCommand.defaultPath(runs, "mlp"));
    assertEquals(3e6, ReportCommand.rate(runs, "mlp", "torchscore", ID, 1024));
    assertEquals(2e6, ReportCommand.rate(runs, "mlp", "torchscore", ID, 1024, "rows"));
    assertNull(ReportCommand.rate(List.of(runs.get(0)), "mlp", "torchscore", ID, 4096, "columnar"));
    assertEquals(List.of(runs.get(1)), ReportCommand.onDefaultPath(runs));
  }

  @Test
  void aModelWithRowsRunsOnlyUsesThem_andARunWithoutPathIsColumnar() {
    Map<String, Object> jpeg = run("torchscore", "all", 32, 50, "rows");
    jpeg.put("model", "resnet18_jpeg");
    assertEquals("rows", ReportCommand.defaultPath(List.of(jpeg), "resnet18_jpeg"));
    assertEquals(50.0, ReportCommand.rate(List.of(jpeg), "resnet18_jpeg", "torchscore", 32));

    Map<String, Object> old = run("torchscore", "all", 4096, 1e6, null);
    assertEquals("columnar", ReportCommand.pathOf(old));
    assertEquals(1e6, ReportCommand.rate(List.of(old), "mlp", "torchscore", 4096));
    assertNull(ReportCommand.pathOf(run("raw", "none", 4096, 1e6, null)));
  }

  @Test
  void runRecordWritesThePathOfTorchscoreRunsOnly() {
    RunRecord plain = new RunRecord("mlp", "torchscore", Variant.DEFAULT, 1024, 10, 1, "t", null, null);
    assertFalse(plain.toMap().containsKey("path"));
    assertEquals("rows", plain.withPath(RunRecord.ROWS).toMap().get("path"));
    RunRecord auto = new RunRecord("mlp", "torchscore", Variant.DEFAULT, RunRecord.AUTO, 10, 1, "t", null, null, 4096, 5L);
    Map<String, Object> map = auto.withPath(RunRecord.COLUMNAR).toMap();
    assertEquals("auto", map.get("batch_size"));
    assertEquals(4096, map.get("batch_size_chosen"));
    assertEquals("columnar", map.get("path"));
    assertTrue(auto.path() == null);
  }

  private static List<Object> key(Map<String, Object> bound) {
    return List.of(bound.get("model"), bound.get("output_columns"), bound.get("batch_size"), bound.get("path"));
  }

  private static Map<String, Object> run(String mode, String columns, int batch, double rate, String path) {
    Map<String, Object> run = new LinkedHashMap<>();
    run.put("model", "mlp");
    run.put("mode", mode);
    run.put("precision", "fp32");
    run.put("engine", "pytorch");
    run.put("output_columns", columns);
    run.put("batch_size", batch);
    run.put("rows", 1000);
    run.put("rows_per_s", rate);
    if (path != null) {
      run.put("path", path);
    }
    return run;
  }
}
