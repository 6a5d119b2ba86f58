package io.torchscore.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The batch-time histogram's buckets, against values worked out by hand. */
class LatencyHistogramTest {

  @ParameterizedTest(name = "{0} ns in bucket {1}")
  @CsvSource({
    "0, 0",
    "99999, 0", // 0.099999 ms: under 0.1 ms
    "100000, 1", // 0.1 ms starts bucket 1
    "125000, 1", // below 0.1 * 10^0.1 = 0.12589 ms
    "126000, 2",
    "1000000, 11", // 1 ms = 0.1 * 10^1: bucket 1 + 10
    "999999, 10",
    "10000000, 21", // 10 ms
    "3162278, 16", // 3.162278 ms = 0.1 * 10^1.5: just past bucket 16's lower bound
    "99999999999, 60", // just under 100 s
    "100000000000, 61", // 100 s
    "3600000000000, 61"
  })
  void bucketsAreTenPerDecadeFromATenthOfAMillisecond(long nanos, int bucket) {
    assertThat(LatencyHistogram.bucketOf(nanos)).isEqualTo(bucket);
  }

  @Test
  void bucketBoundsAreLogSpaced() {
    assertThat(LatencyHistogram.lowerMillis(0)).isZero();
    assertThat(LatencyHistogram.lowerMillis(1)).isCloseTo(0.1, within(1e-12));
    assertThat(LatencyHistogram.upperMillis(1)).isCloseTo(0.125892541, within(1e-9));
    assertThat(LatencyHistogram.lowerMillis(11)).isCloseTo(1.0, within(1e-12));
    assertThat(LatencyHistogram.lowerMillis(61)).isCloseTo(100_000.0, within(1e-6));
    assertThat(LatencyHistogram.upperMillis(61)).isInfinite();
  }

  @Test
  void positionsOnTheScaleCountBucketsFromATenthOfAMillisecond() {
    assertThat(LatencyHistogram.position(0.1)).isCloseTo(1.0, within(1e-12));
    assertThat(LatencyHistogram.position(1)).isCloseTo(11.0, within(1e-12));
    // 2 ms: 1 + 10 * log10(20) = 1 + 13.0103 (bucket 14 spans 1.9953 to 2.5119 ms).
    assertThat(LatencyHistogram.position(2)).isCloseTo(14.0103, within(1e-4));
    assertThat(LatencyHistogram.position(100_000)).isCloseTo(61.0, within(1e-9));
  }

  @Test
  void addingADurationOrAHistogramMakesANewOneAndLeavesTheOldAsItWas() {
    LatencyHistogram one = LatencyHistogram.EMPTY.plus(1_000_000); // 1 ms: bucket 11
    LatencyHistogram two = one.plus(50_000); // 0.05 ms: bucket 0

    assertThat(LatencyHistogram.EMPTY.count()).isZero();
    assertThat(one.count()).isEqualTo(1);
    assertThat(two.counts()[0]).isEqualTo(1);
    assertThat(two.counts()[11]).isEqualTo(1);
    long[] both = two.plus(one).counts();
    assertThat(both[0]).isEqualTo(1);
    assertThat(both[11]).isEqualTo(2);
  }
}
