package io.torchscore.job;

import io.torchscore.TorchScoreException;
import io.torchscore.config.ConfKeys;
import io.torchscore.spark.ScoreMetrics;
import java.util.Map;
import java.util.StringJoiner;

/**
 * How many bad rows a run may have and still write its output: past either limit the job fails
 * and its output is not committed.
 *
 * @param maxFraction the largest share of bad rows among all rows read, from 0 to 1 (1: no limit)
 * @param maxRows the largest number of bad rows, or -1 for no limit
 */
record BadRowLimits(double maxFraction, long maxRows) {

  /**
   * Reads the limits from the session's settings.
   *
   * @param fraction the value of {@code spark.torchscore.max.bad.fraction}, or null
   * @param rows the value of {@code spark.torchscore.max.bad.rows}, or null
   * @return the limits
   * @throws TorchScoreException naming the key when a value is not valid
   */
  static BadRowLimits parse(String fraction, String rows) {
    return new BadRowLimits(
        fraction == null ? ConfKeys.MAX_BAD_FRACTION.defaultValue() : ConfKeys.MAX_BAD_FRACTION.parse(fraction.trim()),
        rows == null ? ConfKeys.MAX_BAD_ROWS.defaultValue() : ConfKeys.MAX_BAD_ROWS.parse(rows.trim()));
  }

  /**
   * Fails when the run's bad rows are past a limit.
   *
   * @param metrics the run's counts
   * @throws RunFailedException giving the counts by reason and the limit passed
   */
  void check(ScoreMetrics metrics) {
    long bad = metrics.nulled() + metrics.skipped();
    long all = metrics.rows() + bad;
    String limit;
    if (maxRows >= 0 && bad > maxRows) {
      limit = ConfKeys.MAX_BAD_ROWS + "=" + maxRows;
    } else if (all > 0 && (double) bad / all > maxFraction) {
      limit = ConfKeys.MAX_BAD_FRACTION + "=" + maxFraction;
    } else {
      return;
    }
    throw new RunFailedException(
        "Cannot commit the output: %,d of %,d rows were bad (%.2f%%; %s), past %s; the output was"
            + " not written; fix the input or raise the limit",
        bad,
        all,
        100.0 * bad / all,
        byReason(metrics.badRowsByReason()),
        limit);
  }

  private static String byReason(Map<String, Long> counts) {
    StringJoiner text = new StringJoiner(", ");
    counts.forEach(
        (reason, count) -> {
          if (count > 0) {
            text.add(reason + " " + String.format("%,d", count));
          }
        });
    return text.toString();
  }
}
