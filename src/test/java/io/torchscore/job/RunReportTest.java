package io.torchscore.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.torchscore.spark.BatchSizeChoices;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The summary a run prints: the scoring rate apart from the wall time, in plain English. */
class RunReportTest {

  private static RunReport report(long rows, long batches, long modelLoads, double seconds, double scoringSeconds) {
    return report(rows, batches, modelLoads, seconds, scoringSeconds, java.util.List.of());
  }

  private static RunReport report(
      long rows, long batches, long modelLoads, double seconds, double scoringSeconds,
      java.util.List<BatchSizeChoices.Choice> batchSizeAuto) {
    return new RunReport(
        "m.pt", "in", "out", "parquet", null, rows, 0, 0, Map.of(), batches, modelLoads, 4096, !batchSizeAuto.isEmpty(), seconds, scoringSeconds,
        new RunReport.DeviceUse(Map.of("cpu", 2L), 0, 0, 0),
        new RunReport.Details(
            Map.of(), new Throughput(0, 1, new long[0]), java.util.List.of(), Map.of(), java.util.List.of()),
        new RunReport.NonFinite(0, 0, 0),
        batchSizeAuto);
  }

  @Test
  void givesTheRateWhileScoringApartFromTheWallTime() {
    RunReport report = report(206, 1, 1, 15.4, 0.5);

    // 206 rows / 0.5 s = 412 rows/s; the 15.4 s wall time includes Spark's and libtorch's start-up.
    assertThat(report.summary())
        .startsWith("Scored 206 rows in 1 batch of up to 4,096: 412 rows/s over 0.50 s of scoring; 15.40 s wall time; 1 model load%n".formatted());
    assertThat(report.toMap()).containsEntry("scoring_seconds", 0.5).containsEntry("scoring_rows_per_s", 412.0);
    assertThat((double) report.toMap().get("rows_per_s")).isEqualTo(206 / 15.4);
  }

  @Test
  void countsInThePluralOnlyAboveOne() {
    assertThat(report(1, 3, 2, 10, 4).summary())
        .startsWith("Scored 1 row in 3 batches of up to 4,096: 0 rows/s over 4.00 s of scoring; 10.00 s wall time; 2 model loads");
    assertThat(report(12_000, 4, 1, 10, 4).summary()).startsWith("Scored 12,000 rows in 4 batches of up to 4,096: 3,000 rows/s");
  }

  @Test
  void givesTheBatchSizesAutoChosePerExecutorAndDevice() {
    RunReport report =
        report(
            100, 2, 1, 10, 4,
            java.util.List.of(
                new BatchSizeChoices.Choice("0", "cpu", 16_384, 412), new BatchSizeChoices.Choice("1", "gpu(0)", 256, 1_250)));

    assertThat(report.summary())
        .startsWith("Scored 100 rows in 2 batches sized by batch.size=auto: ")
        .contains("Batch size auto: executor 0 cpu: 16,384 rows (timed 412 ms); executor 1 gpu(0): 256 rows (timed 1,250 ms)%n".formatted());
    assertThat(report.toMap().get("batch_size_auto"))
        .isEqualTo(
            java.util.List.of(
                Map.of("executor", "0", "device", "cpu", "batch_size", 16_384, "probe_ms", 412L),
                Map.of("executor", "1", "device", "gpu(0)", "batch_size", 256, "probe_ms", 1_250L)));
  }

  @Test
  void aFixedBatchSizeReportsNoChoice() {
    assertThat(report(1, 1, 1, 1, 1).summary()).doesNotContain("Batch size auto");
    assertThat(report(1, 1, 1, 1, 1).toMap()).containsEntry("batch_size_auto", java.util.List.of());
  }

  @Test
  void aRunThatScoredNothingHasNoRate() {
    assertThat(report(0, 0, 1, 3, 0).summary()).startsWith("Scored 0 rows in 0 batches of up to 4,096: 0 rows/s over 0.00 s of scoring");
  }
}
