package io.torchscore.spark;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Counts of durations in fixed log-scale buckets, ten per decade from 0.1 ms to 100 s, with one
 * bucket below and one above: a bounded, immutable summary of any number of batches, from which
 * the report reads percentiles.
 *
 * <p>Bucket 0 holds durations under 0.1 ms, bucket {@code i} (1 to 60) those from
 * {@code 0.1 ms * 10^((i-1)/10)} up to {@code 0.1 ms * 10^(i/10)}, and bucket 61 those of 100 s or
 * more.
 */
public final class LatencyHistogram implements Serializable {

  private static final long serialVersionUID = 1L;

  /** The number of buckets. */
  public static final int BUCKETS = 62;

  private static final int PER_DECADE = 10;
  private static final double SMALLEST_MILLIS = 0.1;

  /** No durations. */
  public static final LatencyHistogram EMPTY = new LatencyHistogram(new long[BUCKETS]);

  private final long[] counts;

  /**
   * Wraps bucket counts.
   *
   * @param counts {@link #BUCKETS} counts, copied
   */
  public LatencyHistogram(long[] counts) {
    if (counts.length != BUCKETS) {
      throw new IllegalArgumentException("Cannot make a histogram of " + counts.length + " buckets: expected " + BUCKETS);
    }
    this.counts = counts.clone();
  }

  /**
   * Returns the bucket a duration falls in.
   *
   * @param nanos the duration
   * @return the bucket, 0 to {@link #BUCKETS} - 1
   */
  public static int bucketOf(long nanos) {
    double millis = nanos / 1e6;
    if (millis < SMALLEST_MILLIS) {
      return 0;
    }
    int bucket = 1 + (int) Math.floor(Math.log10(millis / SMALLEST_MILLIS) * PER_DECADE + 1e-9);
    // Guard against rounding: the bucket's bounds decide.
    if (bucket > 1 && millis < lowerMillis(bucket)) {
      bucket--;
    } else if (bucket < BUCKETS - 1 && millis >= upperMillis(bucket)) {
      bucket++;
    }
    return Math.min(bucket, BUCKETS - 1);
  }

  /**
   * Returns the smallest duration of a bucket.
   *
   * @param bucket the bucket
   * @return milliseconds; 0 for the first bucket
   */
  public static double lowerMillis(int bucket) {
    return bucket == 0 ? 0 : SMALLEST_MILLIS * Math.pow(10, (bucket - 1) / (double) PER_DECADE);
  }

  /**
   * Returns the bound below which a bucket's durations lie.
   *
   * @param bucket the bucket
   * @return milliseconds; infinite for the last bucket
   */
  public static double upperMillis(int bucket) {
    return bucket == BUCKETS - 1
        ? Double.POSITIVE_INFINITY
        : SMALLEST_MILLIS * Math.pow(10, bucket / (double) PER_DECADE);
  }

  /**
   * Returns where a duration lies on the buckets' log scale, for drawing them: bucket {@code i}
   * spans positions {@code i} to {@code i + 1} for {@code i} from 1 to {@link #BUCKETS} - 2.
   *
   * @param millis a duration of at least 0.1 ms
   * @return the position, 1 at 0.1 ms and 11 at 1 ms
   */
  public static double position(double millis) {
    return 1 + Math.log10(millis / SMALLEST_MILLIS) * PER_DECADE;
  }

  /**
   * Returns the count of each bucket.
   *
   * @return {@link #BUCKETS} counts
   */
  public long[] counts() {
    return counts.clone();
  }

  /**
   * Returns how many durations were counted.
   *
   * @return the total count
   */
  public long count() {
    return Arrays.stream(counts).sum();
  }

  /**
   * Returns this histogram with one more duration counted.
   *
   * @param nanos the duration
   * @return a new histogram
   */
  public LatencyHistogram plus(long nanos) {
    long[] added = counts.clone();
    added[bucketOf(nanos)]++;
    return new LatencyHistogram(added);
  }

  /**
   * Returns the durations of this histogram and another, counted together.
   *
   * @param other another histogram
   * @return a new histogram
   */
  public LatencyHistogram plus(LatencyHistogram other) {
    long[] added = counts.clone();
    for (int bucket = 0; bucket < BUCKETS; bucket++) {
      added[bucket] += other.counts[bucket];
    }
    return new LatencyHistogram(added);
  }
}
