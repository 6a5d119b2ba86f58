package io.torchscore.spark;

import java.io.Serializable;
import org.apache.spark.SparkContext;
import org.apache.spark.util.LongAccumulator;

/**
 * Counters that executors add to while scoring: rows scored, forward calls (batches) and model
 * loads. Read them after the action that ran the scoring; a retried task counts again.
 */
public final class ScoreMetrics implements Serializable {

  private static final long serialVersionUID = 1L;

  private final LongAccumulator rows;
  private final LongAccumulator batches;
  private final LongAccumulator modelLoads;

  ScoreMetrics(LongAccumulator rows, LongAccumulator batches, LongAccumulator modelLoads) {
    this.rows = rows;
    this.batches = batches;
    this.modelLoads = modelLoads;
  }

  static ScoreMetrics register(SparkContext sc) {
    return new ScoreMetrics(
        sc.longAccumulator("torchscore.rows"),
        sc.longAccumulator("torchscore.batches"),
        sc.longAccumulator("torchscore.modelLoads"));
  }

  static ScoreMetrics unregistered() {
    return new ScoreMetrics(new LongAccumulator(), new LongAccumulator(), new LongAccumulator());
  }

  void batchScored(int batchRows) {
    rows.add(batchRows);
    batches.add(1);
  }

  void modelLoaded() {
    modelLoads.add(1);
  }

  /**
   * Returns the rows scored.
   *
   * @return the count
   */
  public long rows() {
    return rows.value();
  }

  /**
   * Returns the forward calls made, one per batch.
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
