package io.torchscore.spark;

import io.torchscore.tensor.ErrorReason;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToLongFunction;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.StageInfo;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;

/**
 * What executors count while scoring: per partition, one {@link PartitionStats} (rows scored,
 * nulled and skipped, bad rows per reason, forward calls, model loads, NaN and infinite values,
 * batch times, when rows were scored); per task attempt, how the devices coped; and the counters
 * the Spark UI shows. Read them after the action that ran the scoring.
 *
 * <p>Each partition counts once, however often Spark computes it: a failed or killed attempt
 * counts nothing, and when a partition is computed again (a retried stage, a speculative copy, a
 * cached partition lost with its executor, a second action over an unpersisted result) the
 * driver keeps the attempt that saw the most rows, so a partial pass (a {@code limit}) does not
 * hide a complete one (one rule, in {@code PartitionStatsAccumulator.kept}). Model loads count
 * those made on the driver and by the attempts kept.
 */
public final class ScoreMetrics implements Serializable {

  private static final long serialVersionUID = 1L;

  /** The Spark UI's name for the rows scored (with a prediction), per task attempt. */
  public static final String ROWS_NAME = "torchscore rows scored";

  /** The Spark UI's name for the bad rows (nulled or skipped), per task attempt. */
  public static final String BAD_ROWS_NAME = "torchscore bad rows";

  /** The Spark UI's name for the forward calls, per task attempt. */
  public static final String BATCHES_NAME = "torchscore batches";

  /** The Spark UI's name for the nanoseconds tasks waited for a GPU slot. */
  public static final String GPU_WAIT_NAME = "torchscore GPU slot wait (ns)";

  /** The Spark UI's name for the batches split because the device ran out of memory. */
  public static final String OUT_OF_MEMORY_SPLITS_NAME = "torchscore batches split for device memory";

  // Unnamed: a named accumulator would write its whole value to the event log at each task end.
  private final PartitionStatsAccumulator partitions = new PartitionStatsAccumulator();
  // Diagnostics of the device and the profiler, per task attempt (a retried task adds again).
  private final LongAccumulator gpuWaitNanos = new LongAccumulator();
  private final LongAccumulator outOfMemorySplits = new LongAccumulator();
  private final CollectionAccumulator<Long> fittedAfterOutOfMemory = new CollectionAccumulator<>();
  private final CollectionAccumulator<String> devices = new CollectionAccumulator<>();
  private final CollectionAccumulator<String> traces = new CollectionAccumulator<>();
  // Shown by name on the Spark UI's stage page; per task attempt, so a retried task adds again.
  private final LongAccumulator rowsShown = new LongAccumulator();
  private final LongAccumulator badRowsShown = new LongAccumulator();
  private final LongAccumulator batchesShown = new LongAccumulator();

  private ScoreMetrics() {}

  static ScoreMetrics register(SparkContext sc) {
    ScoreMetrics metrics = new ScoreMetrics();
    sc.register(metrics.partitions);
    sc.register(metrics.gpuWaitNanos, GPU_WAIT_NAME);
    sc.register(metrics.outOfMemorySplits, OUT_OF_MEMORY_SPLITS_NAME);
    sc.register(metrics.fittedAfterOutOfMemory);
    sc.register(metrics.devices);
    sc.register(metrics.traces);
    sc.register(metrics.rowsShown, ROWS_NAME);
    sc.register(metrics.badRowsShown, BAD_ROWS_NAME);
    sc.register(metrics.batchesShown, BATCHES_NAME);
    return metrics;
  }

  /** Returns counters that no Spark job collects: for scoring below Spark's scheduler. */
  static ScoreMetrics unregistered() {
    return new ScoreMetrics();
  }

  // ---- recorded by the task that scores a partition (by the driver, outside a task)

  void partitionStarted() {
    long now = System.currentTimeMillis();
    partitions.update(stats -> stats.withTimeline(stats.timeline().started(now)));
  }

  void partitionFinished() {
    long now = System.currentTimeMillis();
    partitions.update(stats -> stats.withTimeline(stats.timeline().finished(now)));
  }

  void forward() {
    partitions.update(PartitionStats::withForward);
    batchesShown.add(1);
  }

  void scored(int count) {
    long now = System.currentTimeMillis();
    partitions.update(stats -> stats.withScored(count, now));
    rowsShown.add(count);
  }

  void badRow(ErrorReason reason, boolean kept) {
    partitions.update(stats -> stats.withBadRow(reason, kept));
    badRowsShown.add(1);
  }

  void batchTimed(long encodeNanos, long forwardNanos, long decodeNanos) {
    partitions.update(stats -> stats.withBatchTimed(encodeNanos, forwardNanos, decodeNanos));
  }

  void nonFiniteInputs(long nan, long infinite) {
    if (nan + infinite > 0) {
      partitions.update(stats -> stats.withNonFinite(nan, infinite, 0));
    }
  }

  void nanOutputs(long nan) {
    if (nan > 0) {
      partitions.update(stats -> stats.withNonFinite(0, 0, nan));
    }
  }

  void modelLoaded(String executor, String host, long nanos) {
    ModelLoad load = new ModelLoad(executor, host, nanos / 1e6);
    partitions.update(stats -> stats.withModelLoad(load));
  }

  void gpuWait(long nanos) {
    if (nanos > 0) {
      gpuWaitNanos.add(nanos);
    }
  }

  void outOfMemorySplit() {
    outOfMemorySplits.add(1);
  }

  void fittedAfterOutOfMemory(int rows) {
    fittedAfterOutOfMemory.add((long) rows);
  }

  void device(String task) {
    devices.add(task);
  }

  void traceWritten(String path) {
    traces.add(path);
  }

  // ---- read on the driver

  /**
   * Returns each partition's statistics, from the attempt kept.
   *
   * @return partition to its statistics; the driver's own (its model check) under -1
   */
  public Map<Integer, PartitionStats> partitions() {
    return partitions.value();
  }

  /**
   * Returns the partitions' statistics a running task attempt reported so far, from one of the
   * accumulator values an executor's heartbeat carries
   * ({@code SparkListenerExecutorMetricsUpdate.accumUpdates()}).
   *
   * @param accumulable one of a running task attempt's accumulators
   * @return partition to its statistics so far; empty when the accumulator is not these
   */
  public Map<Integer, PartitionStats> partitionsIn(AccumulableInfo accumulable) {
    if (accumulable.id() != partitions.id()
        || accumulable.update().isEmpty()
        || !(accumulable.update().get() instanceof Map<?, ?> reported)) {
      return Map.of();
    }
    Map<Integer, PartitionStats> byPartition = new LinkedHashMap<>();
    reported.forEach((partition, stats) -> byPartition.put((Integer) partition, (PartitionStats) stats));
    return byPartition;
  }

  /**
   * Returns whether a stage scored rows: its accumulators include the rows or bad rows counters.
   *
   * @param stage a stage, as a {@code SparkListener} hears of it
   * @return true when its tasks scored or rejected rows
   */
  public boolean scoredIn(StageInfo stage) {
    return stage.accumulables().contains(rowsShown.id()) || stage.accumulables().contains(badRowsShown.id());
  }

  private long total(ToLongFunction<PartitionStats> count) {
    return partitions.value().values().stream().mapToLong(count).sum();
  }

  /**
   * Returns the rows scored: those with a prediction.
   *
   * @return the count
   */
  public long rows() {
    return total(PartitionStats::rows);
  }

  /**
   * Returns the bad rows kept with null predictions ({@code on.error=null}).
   *
   * @return the count
   */
  public long nulled() {
    return total(PartitionStats::nulled);
  }

  /**
   * Returns the bad rows left out of the output ({@code on.error=skip}).
   *
   * @return the count
   */
  public long skipped() {
    return total(PartitionStats::skipped);
  }

  /**
   * Returns the bad rows per reason code, every reason listed.
   *
   * @return reason code to count
   */
  public Map<String, Long> badRowsByReason() {
    Map<String, Long> byReason = new LinkedHashMap<>();
    Map<Integer, PartitionStats> kept = partitions.value();
    for (ErrorReason reason : ErrorReason.values()) {
      byReason.put(
          reason.code(), kept.values().stream().mapToLong(stats -> stats.badRowsByReason().getOrDefault(reason, 0L)).sum());
    }
    return byReason;
  }

  /**
   * Returns the forward calls made: one per batch, more when a failing batch was split.
   *
   * @return the count
   */
  public long batches() {
    return total(PartitionStats::batches);
  }

  /**
   * Returns how many times the model was loaded: once on the driver, to check it, and once per
   * executor JVM (in local mode the driver is the executor, so once in all).
   *
   * @return the count
   */
  public long modelLoads() {
    return total(stats -> stats.modelLoads().size());
  }

  /**
   * Returns the model loads of the driver and of the task attempts kept, with their times.
   *
   * @return the loads, the driver's first
   */
  public List<ModelLoad> modelLoadTimes() {
    List<ModelLoad> loads = new ArrayList<>();
    new TreeMap<>(partitions.value()).values().forEach(stats -> loads.addAll(stats.modelLoads()));
    return loads;
  }

  /**
   * Returns the batches' times per stage, over the attempts kept.
   *
   * @return the histograms
   */
  public BatchTimes batchTimes() {
    return partitions.value().values().stream().map(PartitionStats::batchTimes).reduce(BatchTimes.NONE, BatchTimes::plus);
  }

  /**
   * Returns the NaN values read from features (they are scored unless {@code nan=reject}).
   *
   * @return the count
   */
  public long nanInputValues() {
    return total(PartitionStats::nanInputs);
  }

  /**
   * Returns the infinite values read from features, {@code 1e999} and float32 overflows included.
   *
   * @return the count
   */
  public long infiniteInputValues() {
    return total(PartitionStats::infiniteInputs);
  }

  /**
   * Returns the NaN values in the model's outputs, before any post-processing.
   *
   * @return the count
   */
  public long nanOutputValues() {
    return total(PartitionStats::nanOutputs);
  }

  /**
   * Returns the time tasks waited for a GPU slot ({@code spark.torchscore.gpu.concurrency}).
   *
   * @return milliseconds, summed over task attempts
   */
  public long gpuWaitMillis() {
    return gpuWaitNanos.value() / 1_000_000;
  }

  /**
   * Returns how many batches were split because the device ran out of memory.
   *
   * @return the count, over task attempts
   */
  public long outOfMemorySplits() {
    return outOfMemorySplits.value();
  }

  /**
   * Returns the smallest batch that fitted after a split for lack of device memory, or 0 when no
   * batch was split: a batch size that fits on this device.
   *
   * @return rows
   */
  public long batchRowsThatFitted() {
    return fittedAfterOutOfMemory.value().stream().mapToLong(Long::longValue).min().orElse(0);
  }

  /**
   * Returns the device each task attempt scored on, e.g.
   * {@code executor 1, partition 3: gpu(1) (spark address 1 -> cuda 1)}.
   *
   * @return the entries, in no particular order
   */
  public List<String> devices() {
    return new ArrayList<>(devices.value());
  }

  /**
   * Returns the profiler traces executors wrote ({@code spark.torchscore.profile}), by task
   * attempts that recorded, retried ones included.
   *
   * @return the traces' locations, sorted
   */
  public List<String> traces() {
    return traces.value().stream().distinct().sorted().toList();
  }
}
