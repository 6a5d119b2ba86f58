package io.torchscore.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.torchscore.spark.LatencyHistogram;
import org.junit.jupiter.api.Test;

/** Percentiles of batch times read from histogram buckets, against values worked out by hand. */
class PercentilesTest {

  @Test
  void percentilesAreTheUpperBoundOfTheBucketHoldingTheRank() {
    long[] counts = new long[LatencyHistogram.BUCKETS];
    counts[11] = 50; // [1, 1.2589) ms
    counts[21] = 40; // [10, 12.589) ms
    counts[31] = 9; // [100, 125.89) ms
    counts[41] = 1; // [1000, 1258.9) ms
    LatencyHistogram histogram = new LatencyHistogram(counts);

    assertThat(histogram.count()).isEqualTo(100);
    // Rank 50 of 100 is the last of bucket 11; rank 90 the last of bucket 21; rank 99 the last of 31.
    assertThat(Percentiles.upperMillis(histogram, 0.5)).isCloseTo(1.258925, within(1e-6));
    assertThat(Percentiles.upperMillis(histogram, 0.9)).isCloseTo(12.58925, within(1e-5));
    assertThat(Percentiles.upperMillis(histogram, 0.99)).isCloseTo(125.8925, within(1e-4));
    assertThat(Percentiles.upperMillis(histogram, 1.0)).isCloseTo(1258.925, within(1e-3));
  }

  @Test
  void anEmptyHistogramHasZeroPercentilesAndTheLastBucketReportsItsLowerBound() {
    assertThat(Percentiles.upperMillis(LatencyHistogram.EMPTY, 0.99)).isZero();
    long[] counts = new long[LatencyHistogram.BUCKETS];
    counts[61] = 1;
    assertThat(Percentiles.upperMillis(new LatencyHistogram(counts), 0.5)).isCloseTo(100_000.0, within(1e-6));
  }
}
