package io.torchscore.spark;

import io.torchscore.tensor.ErrorReason;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.SparkContext;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;

/**
 * Counters that executors add to while scoring: rows scored, nulled and skipped, bad rows per
 * reason, forward calls (batches) and model loads. Read them after the action that ran the
 * scoring; a retried or recomputed task counts again.
 */
public final class ScoreMetrics implements Serializable {

  private static final long serialVersionUID = 1L;

  private final LongAccumulator rows;
  private final LongAccumulator nulled;
  private final LongAccumulator skipped;
  private final LongAccumulator batches;
  private final LongAccumulator modelLoads;
  private final EnumMap<ErrorReason, LongAccumulator> reasons;
  private final LongAccumulator gpuWaitNanos;
  private final LongAccumulator outOfMemorySplits;
  private final CollectionAccumulator<Long> fittedAfterOutOfMemory;
  private final CollectionAccumulator<String> devices;

  private ScoreMetrics(SparkContext sc) {
    this.rows = counter(sc, "rows");
    this.nulled = counter(sc, "nulled");
    this.skipped = counter(sc, "skipped");
    this.batches = counter(sc, "batches");
    this.modelLoads = counter(sc, "modelLoads");
    this.reasons = new EnumMap<>(ErrorReason.class);
    for (ErrorReason reason : ErrorReason.values()) {
      reasons.put(reason, counter(sc, "errors." + reason.code()));
    }
    this.gpuWaitNanos = counter(sc, "gpuWaitNanos");
    this.outOfMemorySplits = counter(sc, "outOfMemorySplits");
    this.fittedAfterOutOfMemory = sc.collectionAccumulator("torchscore.fittedAfterOutOfMemory");
    this.devices = sc.collectionAccumulator("torchscore.devices");
  }

  private static LongAccumulator counter(SparkContext sc, String name) {
    return sc.longAccumulator("torchscore." + name);
  }

  static ScoreMetrics register(SparkContext sc) {
    return new ScoreMetrics(sc);
  }

  void forward() {
    batches.add(1);
  }

  void scored(int count) {
    rows.add(count);
  }

  void badRow(ErrorReason reason, boolean kept) {
    reasons.get(reason).add(1);
    (kept ? nulled : skipped).add(1);
  }

  void modelLoaded() {
    modelLoads.add(1);
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
   * Returns the time tasks waited for a GPU slot ({@code spark.torchscore.gpu.concurrency}).
   *
   * @return milliseconds, summed over tasks
   */
  public long gpuWaitMillis() {
    return gpuWaitNanos.value() / 1_000_000;
  }

  /**
   * Returns how many batches were split because the device ran out of memory.
   *
   * @return the count
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
   * Returns the device each task scored on, one entry per task: e.g.
   * {@code executor 1, partition 3: gpu(1) (spark address 1)}.
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
    return rows.value();
  }

  /**
   * Returns the bad rows kept with null predictions ({@code on.error=null}).
   *
   * @return the count
   */
  public long nulled() {
    return nulled.value();
  }

  /**
   * Returns the bad rows left out of the output ({@code on.error=skip}).
   *
   * @return the count
   */
  public long skipped() {
    return skipped.value();
  }

  /**
   * Returns the bad rows per reason code, every reason listed.
   *
   * @return reason code to count
   */
  public Map<String, Long> badRowsByReason() {
    Map<String, Long> counts = new LinkedHashMap<>();
    reasons.forEach((reason, counter) -> counts.put(reason.code(), counter.value()));
    return counts;
  }

  /**
   * Returns the forward calls made: one per batch, more when a failing batch was split.
   *
   * @return the count
   */
  public long batches() {
    return batches.value();
  }

  /**
   * Returns how many times the model was loaded: once on the driver, to check it, and once per
   * executor JVM (in local mode the driver is the executor, so once in all).
   *
   * @return the count
   */
  public long modelLoads() {
    return modelLoads.value();
  }
}
