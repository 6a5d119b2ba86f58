package io.torchscore.job;

import io.torchscore.spark.LatencyHistogram;

/** Reads percentiles of batch times from a {@link LatencyHistogram}'s buckets. */
final class Percentiles {

  /** The percentiles the reports give of each stage of the batches' times. */
  static final double[] REPORTED = {0.5, 0.9, 0.99};

  private Percentiles() {}

  /**
   * Returns an upper bound of a percentile: the upper bound of the bucket holding the
   * {@code ceil(q * count)}-th smallest duration (the lower bound, 100 s, for the last bucket).
   *
   * @param histogram the durations
   * @param q the quantile, e.g. 0.99
   * @return milliseconds, 0 when nothing was counted
   */
  static double upperMillis(LatencyHistogram histogram, double q) {
    long total = histogram.count();
    if (total == 0) {
      return 0;
    }
    long[] counts = histogram.counts();
    int last = LatencyHistogram.BUCKETS - 1;
    long rank = Math.max(1, (long) Math.ceil(q * total));
    long seen = 0;
    for (int bucket = 0; bucket < last; bucket++) {
      seen += counts[bucket];
      if (seen >= rank) {
        return LatencyHistogram.upperMillis(bucket);
      }
    }
    return LatencyHistogram.lowerMillis(last);
  }
}
