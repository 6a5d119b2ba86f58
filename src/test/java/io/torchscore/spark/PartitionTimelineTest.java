package io.torchscore.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** When rows were scored, from the marks partitions take as their batches end, without Spark. */
class PartitionTimelineTest {

  private static final long[] NONE = new long[0];

  @Test
  void aPartitionKeepsEveryBatchsMarkUntilItHasSixtyFour() {
    long[] values = new long[PartitionTimeline.WIDTH];
    // Batch b ends at 1000 + 10 b ms with 50 b rows scored.
    for (int batch = 1; batch <= 64; batch++) {
      PartitionTimeline.mark(values, 0, 1000 + 10 * batch, 50 * batch);
    }

    PartitionTimeline timeline = PartitionTimeline.read(values, 0, 1000, 1700, 3200);
    assertThat(timeline.markMillis()).hasSize(64).startsWith(1010, 1020).endsWith(1640);
    assertThat(timeline.markRows()).startsWith(50, 100).endsWith(3200);
  }

  @Test
  void aLongPartitionKeepsEvenlySpreadMarksOfItsBatches() {
    long[] values = new long[PartitionTimeline.WIDTH];
    for (int batch = 1; batch <= 66; batch++) {
      PartitionTimeline.mark(values, 0, 1000 + 10 * batch, 50 * batch);
    }
    // The 65th batch found 64 marks: batches 2, 4, ..., 64 stayed, then every 2nd batch is marked.
    PartitionTimeline after66 = PartitionTimeline.read(values, 0, 1000, 2000, 3300);
    assertThat(after66.markMillis()).hasSize(33).startsWith(1020, 1040).endsWith(1640, 1660);
    assertThat(after66.markRows()).startsWith(100, 200).endsWith(3200, 3300);

    for (int batch = 67; batch <= 132; batch++) {
      PartitionTimeline.mark(values, 0, 1000 + 10 * batch, 50 * batch);
    }
    // Batch 130 found 64 marks (2, 4, ..., 128): 4, 8, ..., 128 stayed, then every 4th batch.
    PartitionTimeline after132 = PartitionTimeline.read(values, 0, 1000, 3000, 6600);
    assertThat(after132.markMillis()).hasSize(33).startsWith(1040, 1080).endsWith(2280, 2320);
    assertThat(after132.markRows()).startsWith(200, 400).endsWith(6400, 6600);
  }

  @Test
  void rowsArePlacedWhereTheirBatchesEndedNotSpreadOverThePartition() {
    // Started at 1000, first batch (20 rows) ended at 1300 after the model loaded, then 40 rows
    // at 1350 and 40 at 1390; finished at 1399. Spread evenly it would read 25, 25, 25, 25.
    PartitionTimeline slowStart =
        new PartitionTimeline(1000, 1399, 100, new long[] {1300, 1350, 1390}, new long[] {20, 60, 100});

    ScoreMetrics.Throughput throughput = ScoreMetrics.throughput(List.of(slowStart), 4);

    // 400 ms in 4 buckets of 100 ms. Rows before 1100: 20 * 100 / 300 = 6.67, rounded down to 6;
    // before 1200: 13.3 -> 13; before 1300: 20; before 1400: all 100.
    assertThat(throughput.startMillis()).isEqualTo(1000);
    assertThat(throughput.bucketMillis()).isEqualTo(100);
    assertThat(throughput.rows()).containsExactly(6, 7, 7, 80);
  }

  @Test
  void partitionsAddUpPerBucketAndOneWithoutMarksSpreadsOverItsTime() {
    PartitionTimeline slowStart =
        new PartitionTimeline(1000, 1399, 100, new long[] {1300, 1350, 1390}, new long[] {20, 60, 100});
    // Only its start and end were measured: its 100 rows fall in 1100..1199, bucket 1.
    PartitionTimeline unmarked = new PartitionTimeline(1100, 1199, 100, NONE, NONE);

    ScoreMetrics.Throughput throughput = ScoreMetrics.throughput(List.of(slowStart, unmarked), 4);

    assertThat(throughput.rows()).containsExactly(6, 107, 7, 80);
  }

  @Test
  void aMarkStampedBeforeTheOneBeforeItCountsAtThatOnesTime() {
    // The clock was set back between the marks: 1250 is read as 1300, so 60 rows by 1300.
    PartitionTimeline setBack = new PartitionTimeline(1000, 1399, 100, new long[] {1300, 1250}, new long[] {20, 60});

    assertThat(setBack.rowsBefore(1300)).isEqualTo(20);
    assertThat(setBack.rowsBefore(1301)).isEqualTo(60);
    // Then 40 rows over 1300..1399: 60 + 40 * 50 / 100.
    assertThat(setBack.rowsBefore(1350)).isEqualTo(80);
  }

  @Test
  void noPartitionsMakeNoBuckets() {
    assertThat(ScoreMetrics.throughput(List.of(), 30).rows()).isEmpty();
  }
}
