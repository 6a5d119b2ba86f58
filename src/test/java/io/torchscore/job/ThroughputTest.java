package io.torchscore.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.torchscore.spark.PartitionStats;
import io.torchscore.spark.PartitionTimeline;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Rows scored over time, from the marks partitions took as their batches ended, without Spark. */
class ThroughputTest {

  private static final long[] NONE = new long[0];

  @Test
  void rowsArePlacedWhereTheirBatchesEndedNotSpreadOverThePartition() {
    // Started at 1000, first batch (20 rows) ended at 1300 after the model loaded, then 40 rows
    // at 1350 and 40 at 1390; finished at 1399. Spread evenly it would read 25, 25, 25, 25.
    Throughput.Partition slowStart =
        new Throughput.Partition(1000, 1399, 100, new long[] {1300, 1350, 1390}, new long[] {20, 60, 100});

    Throughput throughput = Throughput.over(List.of(slowStart), 4);

    // 400 ms in 4 buckets of 100 ms. Rows before 1100: 20 * 100 / 300 = 6.67, rounded down to 6;
    // before 1200: 13.3 -> 13; before 1300: 20; before 1400: all 100.
    assertThat(throughput.startMillis()).isEqualTo(1000);
    assertThat(throughput.bucketMillis()).isEqualTo(100);
    assertThat(throughput.rows()).containsExactly(6, 7, 7, 80);
  }

  @Test
  void partitionsAddUpPerBucketAndOneWithoutMarksSpreadsOverItsTime() {
    Throughput.Partition slowStart =
        new Throughput.Partition(1000, 1399, 100, new long[] {1300, 1350, 1390}, new long[] {20, 60, 100});
    // Only its start and end were measured: its 100 rows fall in 1100..1199, bucket 1.
    Throughput.Partition unmarked = new Throughput.Partition(1100, 1199, 100, NONE, NONE);

    Throughput throughput = Throughput.over(List.of(slowStart, unmarked), 4);

    assertThat(throughput.rows()).containsExactly(6, 107, 7, 80);
  }

  @Test
  void aMarkStampedBeforeTheOneBeforeItCountsAtThatOnesTime() {
    // The clock was set back between the marks: 1250 is read as 1300, so 60 rows by 1300.
    Throughput.Partition setBack = new Throughput.Partition(1000, 1399, 100, new long[] {1300, 1250}, new long[] {20, 60});

    assertThat(setBack.rowsBefore(1300)).isEqualTo(20);
    assertThat(setBack.rowsBefore(1301)).isEqualTo(60);
    // Then 40 rows over 1300..1399: 60 + 40 * 50 / 100.
    assertThat(setBack.rowsBefore(1350)).isEqualTo(80);
  }

  @Test
  void noPartitionsMakeNoBuckets() {
    assertThat(Throughput.over(List.of(), 30).rows()).isEmpty();
  }

  @Test
  void onlyPartitionsSeenToStartAndEndCountAndTheDriversOwnIsLeftOut() {
    PartitionStats measured =
        stats(100, new PartitionTimeline(1000, 1399, 3, 1, new long[] {1300, 1350, 1390}, new long[] {20, 60, 100}));
    PartitionStats unfinished = stats(50, new PartitionTimeline(1100, 0, 0, 1, NONE, NONE));
    PartitionStats driver = stats(7, new PartitionTimeline(1000, 1399, 0, 1, NONE, NONE));

    Throughput throughput = Throughput.of(Map.of(0, measured, 1, unfinished, -1, driver), 4);

    assertThat(throughput.rows()).containsExactly(6, 7, 7, 80);
  }

  private static PartitionStats stats(long rows, PartitionTimeline timeline) {
    return new PartitionStats(
        rows, 0, 0, Map.of(), 0, 0, 0, 0, PartitionStats.EMPTY.batchTimes(), timeline, List.of());
  }
}
