package io.torchscore.spark;

import io.torchscore.tensor.ErrorReason;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.spark.SparkContext;
import org.apache.spark.TaskContext;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.StageInfo;
import org.apache.spark.util.AccumulatorV2;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;

/**
 * Counters that executors add to while scoring: rows scored, nulled and skipped, bad rows per
 * reason, forward calls (batches) and model loads, NaN and infinite feature values and NaN outputs. Read them after the action that ran the
 * scoring.
 *
 * <p>Each partition counts once, however often Spark computes it: a failed or killed attempt
 * counts nothing, and when a partition is computed again (a retried stage, a speculative copy, a
 * cached partition lost with its executor, a second action over an unpersisted result) the
 * driver keeps the attempt that saw the most rows, so a partial pass (a {@code limit}) does not
 * hide a complete one. Model loads count those made on the driver and by the attempts kept.
 */
public final class ScoreMetrics implements Serializable {

  private static final long serialVersionUID = 1L;

  private static final int ROWS = 0;
  private static final int NULLED = 1;
  private static final int SKIPPED = 2;
  private static final int BATCHES = 3;
  private static final int MODEL_LOADS = 4;
  private static final int REASONS = 5;
  private static final ErrorReason[] REASON_VALUES = ErrorReason.values();
  private static final int NAN_INPUTS = REASONS + REASON_VALUES.length;
  private static final int INFINITE_INPUTS = NAN_INPUTS + 1;
  private static final int NAN_OUTPUTS = NAN_INPUTS + 2;

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

  private final PartitionCounts counts;
  // Diagnostics of the device, per task attempt (a retried task adds again).
  private final LongAccumulator gpuWaitNanos = new LongAccumulator();
  private final LongAccumulator outOfMemorySplits = new LongAccumulator();
  private final CollectionAccumulator<Long> fittedAfterOutOfMemory = new CollectionAccumulator<>();
  private final CollectionAccumulator<String> devices = new CollectionAccumulator<>();
  // Shown by name on the Spark UI's stage page; per task attempt, so a retried task adds again.
  private final LongAccumulator rowsShown = new LongAccumulator();
  private final LongAccumulator badRowsShown = new LongAccumulator();
  private final LongAccumulator batchesShown = new LongAccumulator();

  private ScoreMetrics() {
    this.counts = new PartitionCounts(WIDTH);
  }

  static ScoreMetrics register(SparkContext sc) {
    ScoreMetrics metrics = new ScoreMetrics();
    // Unnamed: a named accumulator would write its whole value to the event log at each task end.
    sc.register(metrics.counts);
    sc.register(metrics.gpuWaitNanos, GPU_WAIT_NAME);
    sc.register(metrics.outOfMemorySplits, OUT_OF_MEMORY_SPLITS_NAME);
    sc.register(metrics.fittedAfterOutOfMemory);
    sc.register(metrics.devices);
    metrics.registerTimings(sc);
    sc.register(metrics.rowsShown, ROWS_NAME);
    sc.register(metrics.badRowsShown, BAD_ROWS_NAME);
    sc.register(metrics.batchesShown, BATCHES_NAME);
    return metrics;
  }

  /** Returns counters that no Spark job collects: for scoring below Spark's scheduler. */
  static ScoreMetrics unregistered() {
    return new ScoreMetrics();
  }

  void forward() {
    counts.increment(BATCHES, 1);
    batchesShown.add(1);
  }

  void scored(int count) {
    counts.increment(ROWS, count);
    counts.markRowsScored(MARKS, System.currentTimeMillis());
    rowsShown.add(count);
  }

  void badRow(ErrorReason reason, boolean kept) {
    counts.increment(REASONS + reason.ordinal(), 1);
    counts.increment(kept ? NULLED : SKIPPED, 1);
    badRowsShown.add(1);
  }

  void modelLoaded() {
    counts.increment(MODEL_LOADS, 1);
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

  /**
   * Returns whether a stage scored rows: its accumulators include the rows or bad rows counters.
   *
   * @param stage a stage, as a {@code SparkListener} hears of it
   * @return true when its tasks scored or rejected rows
   */
  public boolean scoredIn(StageInfo stage) {
    return stage.accumulables().contains(rowsShown.id()) || stage.accumulables().contains(badRowsShown.id());
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
   * Returns the rows scored: those with a prediction.
   *
   * @return the count
   */
  public long rows() {
    return counts.total(ROWS);
  }

  /**
   * Returns the bad rows kept with null predictions ({@code on.error=null}).
   *
   * @return the count
   */
  public long nulled() {
    return counts.total(NULLED);
  }

  /**
   * Returns the bad rows left out of the output ({@code on.error=skip}).
   *
   * @return the count
   */
  public long skipped() {
    return counts.total(SKIPPED);
  }

  /**
   * Rows a partition's scoring read, and how many of them were bad (nulled or skipped).
   *
   * @param all rows scored, nulled and skipped
   * @param bad rows nulled and skipped
   */
  public record RowsSeen(long all, long bad) {}

  /**
   * Returns the rows seen per partition, as kept from the task attempts that ended.
   *
   * @return partition to its rows; the driver's own counts under -1
   */
  public Map<Integer, RowsSeen> rowsSeenByPartition() {
    Map<Integer, RowsSeen> byPartition = new HashMap<>();
    counts.forEachPartition((partition, values) -> byPartition.put(partition, PartitionCounts.rowsSeen(values)));
    return byPartition;
  }

  /**
   * Returns the rows a running task attempt has seen so far, from one of the accumulator values
   * an executor's heartbeat carries ({@code SparkListenerExecutorMetricsUpdate.accumUpdates()}).
   *
   * @param accumulable one of a running task attempt's accumulators
   * @return partition to its rows so far; empty when the accumulator is not these counts
   */
  public Map<Integer, RowsSeen> rowsSeenIn(AccumulableInfo accumulable) {
    if (accumulable.id() != counts.id()
        || accumulable.update().isEmpty()
        || !(accumulable.update().get() instanceof Map<?, ?> partitions)) {
      return Map.of();
    }
    Map<Integer, RowsSeen> byPartition = new HashMap<>();
    partitions.forEach(
        (partition, values) -> byPartition.put((Integer) partition, PartitionCounts.rowsSeen((long[]) values)));
    return byPartition;
  }

  /**
   * Returns the bad rows per reason code, every reason listed.
   *
   * @return reason code to count
   */
  public Map<String, Long> badRowsByReason() {
    Map<String, Long> byReason = new LinkedHashMap<>();
    for (ErrorReason reason : REASON_VALUES) {
      byReason.put(reason.code(), counts.total(REASONS + reason.ordinal()));
    }
    return byReason;
  }

  /**
   * Returns the forward calls made: one per batch, more when a failing batch was split.
   *
   * @return the count
   */
  public long batches() {
    return counts.total(BATCHES);
  }

  /**
   * Returns how many times the model was loaded: once on the driver, to check it, and once per
   * executor JVM (in local mode the driver is the executor, so once in all).
   *
   * @return the count
   */
  public long modelLoads() {
    return counts.total(MODEL_LOADS);
  }

  void nonFiniteInputs(long nan, long infinite) {
    if (nan + infinite > 0) {
      counts.increment(NAN_INPUTS, nan);
      counts.increment(INFINITE_INPUTS, infinite);
    }
  }

  void nanOutputs(long nan) {
    if (nan > 0) {
      counts.increment(NAN_OUTPUTS, nan);
    }
  }

  // ---- batch timings, scoring times and model load times: kept with the same attempt as the counts

  private static final int STAGE_COUNT = Stage.values().length;
  private static final int TIMINGS = NAN_OUTPUTS + 1;
  // When the partition's scoring started and ended (epoch ms), and which attempt (task attempt id + 1) it was.
  private static final int STARTED_MS = TIMINGS + STAGE_COUNT * LatencyHistogram.BUCKETS;
  private static final int FINISHED_MS = STARTED_MS + 1;
  private static final int ATTEMPT = FINISHED_MS + 1;
  // When the partition's batches were scored: see PartitionTimeline.
  private static final int MARKS = ATTEMPT + 1;
  private static final int WIDTH = MARKS + PartitionTimeline.WIDTH;

  // One entry per model load: "attempt<TAB>executor<TAB>host<TAB>nanos" (attempt 0: outside a task).
  private final CollectionAccumulator<String> modelLoadTimes = new CollectionAccumulator<>();

  /** A part of a batch's time. */
  public enum Stage {
    /**
     * Reading the batch's rows and making its input tensors; Spark reads and parses the input
     * as rows are asked for, so this includes the scan upstream of the scoring.
     */
    ENCODE,
    /** The model's forward call. */
    FORWARD,
    /** Reading the outputs into columns (on a GPU, this waits for the device to finish). */
    DECODE,
    /** The three together. */
    TOTAL;

    /**
     * Returns the stage's name in reports.
     *
     * @return e.g. {@code encode}
     */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * Returns the NaN values read from features (they are scored unless {@code nan=reject}).
   *
   * @return the count
   */
  public long nanInputValues() {
    return counts.total(NAN_INPUTS);
  }

  /**
   * Returns the infinite values read from features, {@code 1e999} and float32 overflows included.
   *
   * @return the count
   */
  public long infiniteInputValues() {
    return counts.total(INFINITE_INPUTS);
  }

  /**
   * Returns the NaN values in the model's outputs, before any post-processing.
   *
   * @return the count
   */
  public long nanOutputValues() {
    return counts.total(NAN_OUTPUTS);
  }

  /**
   * A model load: where, and how long fetching and loading took.
   *
   * @param executor the executor id ({@code driver} for the driver's check)
   * @param host the executor's host
   * @param millis milliseconds from asking for the model to having it loaded
   */
  public record ModelLoad(String executor, String host, double millis) {}

  /**
   * Rows scored over time, summed per time bucket since the first partition started. Each
   * partition's rows are placed by the times its batches' predictions were stored: the rows of
   * the batches that ended at a mark are spread over the time since the mark before it (or since
   * the partition started).
   *
   * @param startMillis when the first partition started, epoch milliseconds
   * @param bucketMillis the width of a bucket
   * @param rows rows scored in each bucket; they sum to {@link #rows()}
   */
  public record Throughput(long startMillis, long bucketMillis, long[] rows) {}

  // The profiler traces executors wrote (spark.torchscore.profile).
  private final CollectionAccumulator<String> traces = new CollectionAccumulator<>();

  void registerTimings(SparkContext sc) {
    sc.register(modelLoadTimes);
    sc.register(traces);
  }

  void traceWritten(String path) {
    traces.add(path);
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

  /** Marks the start of a task's partition. */
  void partitionStarted(long taskAttemptId) {
    counts.increment(STARTED_MS, System.currentTimeMillis());
    counts.increment(ATTEMPT, taskAttemptId + 1);
  }

  /** Marks the end of a task's partition. */
  void partitionFinished() {
    counts.increment(FINISHED_MS, System.currentTimeMillis());
  }

  void batchTimed(long encodeNanos, long forwardNanos, long decodeNanos) {
    long[] nanos = {encodeNanos, forwardNanos, decodeNanos, encodeNanos + forwardNanos + decodeNanos};
    for (int stage = 0; stage < STAGE_COUNT; stage++) {
      counts.increment(TIMINGS + stage * LatencyHistogram.BUCKETS + LatencyHistogram.bucketOf(nanos[stage]), 1);
    }
  }

  void modelLoadTimed(long taskAttemptId, String executor, String host, long nanos) {
    modelLoadTimes.add((taskAttemptId + 1) + "\t" + executor + "\t" + host + "\t" + nanos);
  }

  /**
   * Returns the histogram of one stage of the batches' times: one count per batch that ran a
   * forward (a batch split after a failure counts once, its re-runs in its decode time).
   *
   * @param stage encode, forward, decode or total
   * @return the histogram
   */
  public LatencyHistogram batchTimes(Stage stage) {
    long[] histogram = new long[LatencyHistogram.BUCKETS];
    for (int bucket = 0; bucket < histogram.length; bucket++) {
      histogram[bucket] = counts.total(TIMINGS + stage.ordinal() * LatencyHistogram.BUCKETS + bucket);
    }
    return new LatencyHistogram(histogram);
  }

  /**
   * Returns the model loads of the driver and of the task attempts whose counts were kept.
   *
   * @return the loads, in the order they were reported
   */
  public List<ModelLoad> modelLoadTimes() {
    java.util.Set<Long> kept = new java.util.HashSet<>();
    kept.add(0L);
    counts.value().values().forEach(values -> kept.add(values[ATTEMPT]));
    List<ModelLoad> loads = new ArrayList<>();
    for (String entry : modelLoadTimes.value()) {
      String[] parts = entry.split("\t", 4);
      if (kept.contains(Long.parseLong(parts[0]))) {
        loads.add(new ModelLoad(parts[1], parts[2], Long.parseLong(parts[3]) / 1e6));
      }
    }
    return loads;
  }

  /**
   * Returns the rows scored over time, in about {@code buckets} buckets of a round width (1, 2
   * or 5 times a power of ten milliseconds).
   *
   * @param buckets the most buckets wanted
   * @return the series; no buckets when no task scored
   */
  public Throughput throughput(int buckets) {
    List<PartitionTimeline> partitions = new ArrayList<>();
    counts.value().forEach(
        (partition, values) -> {
          if (partition != PartitionCounts.DRIVER && values[FINISHED_MS] >= values[STARTED_MS] && values[STARTED_MS] > 0) {
            partitions.add(PartitionTimeline.read(values, MARKS, values[STARTED_MS], values[FINISHED_MS], values[ROWS]));
          }
        });
    return throughput(partitions, buckets);
  }

  /**
   * Returns partitions' rows scored over time, in about {@code buckets} buckets of a round width.
   *
   * @param partitions the partitions' timelines
   * @param buckets the most buckets wanted
   * @return the series; no buckets when there are no partitions
   */
  static Throughput throughput(List<PartitionTimeline> partitions, int buckets) {
    if (partitions.isEmpty()) {
      return new Throughput(0, 1, new long[0]);
    }
    long start = partitions.stream().mapToLong(PartitionTimeline::startedMillis).min().getAsLong();
    long end = partitions.stream().mapToLong(PartitionTimeline::finishedMillis).max().getAsLong();
    long width = roundWidth((end - start + 1) / (double) buckets);
    long[] rows = new long[(int) ((end - start) / width) + 1];
    for (PartitionTimeline partition : partitions) {
      for (int bucket = 0; bucket < rows.length; bucket++) {
        long from = start + bucket * width;
        rows[bucket] += partition.rowsBefore(from + width) - partition.rowsBefore(from);
      }
    }
    return new Throughput(start, width, rows);
  }

  private static long roundWidth(double millis) {
    long width = 1;
    while (true) {
      for (long step : new long[] {1, 2, 5}) {
        if (width * step >= millis) {
          return width * step;
        }
      }
      width *= 10;
    }
  }

  /**
   * Counters per partition: a task adds to its partition's, and the driver merges each task's
   * partitions keeping, per partition, the one that saw the most rows. The driver's own adds
   * (outside tasks) are summed apart.
   */
  static final class PartitionCounts extends AccumulatorV2<long[], Map<Integer, long[]>> {

    private static final long serialVersionUID = 1L;

    static final int DRIVER = -1;

    private final int width;
    private final HashMap<Integer, long[]> partitions = new HashMap<>();

    PartitionCounts(int width) {
      this.width = width;
    }

    synchronized void increment(int field, long amount) {
      TaskContext task = TaskContext.get();
      partitions.computeIfAbsent(task == null ? DRIVER : task.partitionId(), p -> new long[width])[
          field] += amount;
    }

    /** Marks, in the running task's partition, that a batch's rows were scored (see {@link PartitionTimeline}). */
    synchronized void markRowsScored(int at, long millis) {
      TaskContext task = TaskContext.get();
      if (task != null) {
        long[] values = partitions.computeIfAbsent(task.partitionId(), p -> new long[width]);
        PartitionTimeline.mark(values, at, millis, values[ROWS]);
      }
    }

    synchronized long total(int field) {
      long sum = 0;
      for (long[] values : partitions.values()) {
        sum += values[field];
      }
      return sum;
    }

    synchronized void forEachPartition(BiConsumer<Integer, long[]> action) {
      partitions.forEach(action);
    }

    static RowsSeen rowsSeen(long[] values) {
      long bad = values[NULLED] + values[SKIPPED];
      return new RowsSeen(values[ROWS] + bad, bad);
    }

    @Override
    public synchronized boolean isZero() {
      // Null while a task deserializes this: Spark registers an accumulator with the task (where the
      // executor's heartbeat reads it) before the subclass's fields are read.
      return partitions == null || partitions.isEmpty();
    }

    @Override
    public synchronized PartitionCounts copy() {
      PartitionCounts copy = new PartitionCounts(width);
      partitions.forEach((partition, values) -> copy.partitions.put(partition, values.clone()));
      return copy;
    }

    @Override
    public synchronized void reset() {
      partitions.clear();
    }

    @Override
    public synchronized void add(long[] values) {
      for (int field = 0; field < width; field++) {
        increment(field, values[field]);
      }
    }

    @Override
    public void merge(AccumulatorV2<long[], Map<Integer, long[]>> other) {
      Map<Integer, long[]> theirs = other.value();
      synchronized (this) {
        theirs.forEach(
            (partition, values) -> {
              long[] kept = partitions.get(partition);
              if (partition == DRIVER && kept != null) {
                for (int field = 0; field < width; field++) {
                  kept[field] += values[field];
                }
              } else if (kept == null || rowsSeen(values).all() > rowsSeen(kept).all()) {
                partitions.put(partition, values.clone());
              }
            });
      }
    }

    @Override
    public synchronized Map<Integer, long[]> value() {
      Map<Integer, long[]> copy = new HashMap<>();
      partitions.forEach((partition, values) -> copy.put(partition, values.clone()));
      return copy;
    }
  }
}
