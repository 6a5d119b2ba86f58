package io.torchscore.spark;

import java.io.IOException;
import java.io.ObjectOutputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.spark.TaskContext;
import org.apache.spark.util.AccumulatorV2;

/**
 * Per partition, the statistics of the attempt that counts: a task adds to its partition's
 * record, and the driver merges each task's records keeping one attempt per partition by
 * {@link #kept}. What the driver counts outside tasks is kept under {@link #DRIVER}, summed.
 */
final class PartitionStatsAccumulator extends AccumulatorV2<PartitionStats, Map<Integer, PartitionStats>> {

  private static final long serialVersionUID = 1L;

  /** The key of the driver's own counts (its model check), made outside any task. */
  static final int DRIVER = -1;

  private final HashMap<Integer, PartitionStats> partitions = new HashMap<>();

  /**
   * Chooses between two records of the same partition: the one that saw the most rows, the kept
   * one on a tie, so that a partial pass (a {@code limit}) does not hide a complete one and a
   * retried, speculative or recomputed attempt does not count twice. The driver's records add up.
   *
   * @param partition the partition, or {@link #DRIVER}
   * @param kept the record kept so far
   * @param offered another attempt's record
   * @return the record to keep
   */
  static PartitionStats kept(int partition, PartitionStats kept, PartitionStats offered) {
    if (partition == DRIVER) {
      return kept.plus(offered);
    }
    return offered.rowsSeen() > kept.rowsSeen() ? offered : kept;
  }

  /**
   * Changes the running task's partition's record (the driver's, outside a task).
   *
   * @param change how the record changes
   */
  synchronized void update(UnaryOperator<PartitionStats> change) {
    TaskContext task = TaskContext.get();
    partitions.compute(
        task == null ? DRIVER : task.partitionId(),
        (partition, stats) -> change.apply(stats == null ? PartitionStats.EMPTY : stats));
  }

  @Override
  public synchronized boolean isZero() {
    // Null while a task deserializes this: Spark registers an accumulator with the task (where the
    // executor's heartbeat reads it) before the subclass's fields are read.
    return partitions == null || partitions.isEmpty();
  }

  @Override
  public synchronized PartitionStatsAccumulator copy() {
    PartitionStatsAccumulator copy = new PartitionStatsAccumulator();
    copy.partitions.putAll(partitions);
    return copy;
  }

  @Override
  public synchronized void reset() {
    partitions.clear();
  }

  @Override
  public void add(PartitionStats stats) {
    update(current -> current.plus(stats));
  }

  @Override
  public void merge(AccumulatorV2<PartitionStats, Map<Integer, PartitionStats>> other) {
    Map<Integer, PartitionStats> offered = other.value();
    synchronized (this) {
      offered.forEach((partition, stats) -> partitions.merge(partition, stats, (a, b) -> kept(partition, a, b)));
    }
  }

  @Override
  public synchronized Map<Integer, PartitionStats> value() {
    return Map.copyOf(partitions);
  }

  // An executor's heartbeat serializes this while its task adds: hold the task off meanwhile.
  private synchronized void writeObject(ObjectOutputStream out) throws IOException {
    out.defaultWriteObject();
  }
}
