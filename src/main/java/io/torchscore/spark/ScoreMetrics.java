package io.torchscore.spark;

import io.torchscore.tensor.ErrorReason;
import java.io.Serializable;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.SparkContext;
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
