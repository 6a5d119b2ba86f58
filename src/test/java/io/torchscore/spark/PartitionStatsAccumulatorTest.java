package io.torchscore.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.torchscore.tensor.ErrorReason;
import java.util.Map;
import org.apache.spark.util.AccumulatorV2;
import org.junit.jupiter.api.Test;

/**
 * The driver keeps one attempt per partition, whichever order the attempts' counts arrive in:
 * the one that saw the most rows. Without Spark: outside a task, counts go to the driver's record.
 */
class PartitionStatsAccumulatorTest {

  private static PartitionStats rows(int scored, int bad) {
    PartitionStats stats = PartitionStats.EMPTY.withScored(scored, 1_000);
    for (int i = 0; i < bad; i++) {
      stats = stats.withBadRow(ErrorReason.NULL_FEATURES, true);
    }
    return stats;
  }

  /** What a task sends back: its partitions' records. */
  private static final class Reported extends AccumulatorV2<PartitionStats, Map<Integer, PartitionStats>> {
    private final Map<Integer, PartitionStats> partitions;

    Reported(Map<Integer, PartitionStats> partitions) {
      this.partitions = partitions;
    }

    @Override
    public boolean isZero() {
      return partitions.isEmpty();
    }

    @Override
    public AccumulatorV2<PartitionStats, Map<Integer, PartitionStats>> copy() {
      return new Reported(partitions);
    }

    @Override
    public void reset() {
      throw new UnsupportedOperationException();
    }

    @Override
    public void add(PartitionStats v) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void merge(AccumulatorV2<PartitionStats, Map<Integer, PartitionStats>> other) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Map<Integer, PartitionStats> value() {
      return partitions;
    }
  }

  @Test
  void theAttemptThatSawMoreRowsIsKeptWhicheverCameFirst() {
    PartitionStats partial = rows(5, 0);
    PartitionStats full = rows(997, 3);

    assertThat(PartitionStatsAccumulator.kept(0, partial, full)).isSameAs(full);
    assertThat(PartitionStatsAccumulator.kept(0, full, partial)).isSameAs(full);
  }

  @Test
  void badRowsCountAsRowsSeen() {
    PartitionStats scoredMore = rows(10, 0);
    PartitionStats sawMore = rows(8, 3);

    assertThat(PartitionStatsAccumulator.kept(0, scoredMore, sawMore)).isSameAs(sawMore);
  }

  @Test
  void onATieTheAttemptKeptFirstStays() {
    PartitionStats first = rows(100, 0);
    PartitionStats retried = rows(100, 0).withForward();

    assertThat(PartitionStatsAccumulator.kept(0, first, retried)).isSameAs(first);
  }

  @Test
  void theDriversOwnCountsAddUp() {
    PartitionStats check = PartitionStats.EMPTY.withModelLoad(new ModelLoad("driver", "host-a", 120.5));
    PartitionStats again = PartitionStats.EMPTY.withModelLoad(new ModelLoad("driver", "host-a", 90.0));

    PartitionStats kept = PartitionStatsAccumulator.kept(PartitionStatsAccumulator.DRIVER, check, again);

    assertThat(kept.modelLoads()).hasSize(2);
  }

  @Test
  void mergingTasksKeepsOnePartitionRecordEachAndAddsTheDriversOutsideTasks() {
    PartitionStatsAccumulator driver = new PartitionStatsAccumulator();
    driver.update(stats -> stats.withModelLoad(new ModelLoad("driver", "host-a", 120.5)));

    // Partition 0 fails after a partial pass and is retried; partition 1 runs once; a speculative
    // copy of partition 1 that saw as many rows ends after it.
    driver.merge(new Reported(Map.of(0, rows(40, 1))));
    driver.merge(new Reported(Map.of(1, rows(500, 0))));
    driver.merge(new Reported(Map.of(0, rows(497, 3))));
    driver.merge(new Reported(Map.of(1, rows(500, 0).withForward())));

    Map<Integer, PartitionStats> kept = driver.value();
    assertThat(kept).containsOnlyKeys(PartitionStatsAccumulator.DRIVER, 0, 1);
    assertThat(kept.get(0).rowsSeen()).isEqualTo(500);
    assertThat(kept.get(1).batches()).as("the first of equal attempts").isZero();
    assertThat(kept.get(PartitionStatsAccumulator.DRIVER).modelLoads()).hasSize(1);
  }

  @Test
  void aCopyIsIndependentAndAResetOneIsZero() {
    PartitionStatsAccumulator accumulator = new PartitionStatsAccumulator();
    assertThat(accumulator.isZero()).isTrue();
    accumulator.add(rows(3, 0));

    PartitionStatsAccumulator copy = accumulator.copy();
    accumulator.add(rows(4, 0));
    copy.reset();

    assertThat(accumulator.value().get(PartitionStatsAccumulator.DRIVER).rows()).isEqualTo(7);
    assertThat(copy.isZero()).isTrue();
  }
}
