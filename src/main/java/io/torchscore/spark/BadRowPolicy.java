package io.torchscore.spark;

import io.torchscore.TorchScoreException;
import io.torchscore.config.ConfKeys;
import io.torchscore.config.ScoreSettings.OnError;
import io.torchscore.tensor.RowError;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * What a bad row does ({@code spark.torchscore.on.error}): fails the task with a message naming
 * the row's position, its key and the fix, or is counted (its predictions null, the row kept or
 * left out afterwards).
 */
final class BadRowPolicy {

  private final OnError onError;
  private final RowNaming naming;
  private final ScoreMetrics metrics;

  BadRowPolicy(OnError onError, RowNaming naming, ScoreMetrics metrics) {
    this.onError = onError;
    this.naming = naming;
    this.metrics = metrics;
  }

  /** Handles a bad row: {@code row} is the row held, at {@code position} of the partition. */
  void badRow(InternalRow row, long position, RowError error) {
    if (onError == OnError.FAIL) {
      throw new TorchScoreException(
          "Cannot score row %s of partition %s%s: %s; fix the input or set %s=skip or null",
          position,
          naming.partition(),
          naming.key(row),
          error.message(),
          ConfKeys.ON_ERROR);
    }
    metrics.badRow(error.reason(), onError == OnError.NULL);
  }

  boolean fails() {
    return onError == OnError.FAIL;
  }

  int partition() {
    return naming.partition();
  }
}
