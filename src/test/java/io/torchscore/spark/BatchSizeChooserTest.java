package io.torchscore.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntToLongFunction;
import org.junit.jupiter.api.Test;

/**
 * The chooser against a scripted forward: each batch's time is a function of its rows (and of how
 * many batches ran), so the expected choice is worked out by hand from the script.
 */
class BatchSizeChooserTest {

  // From 16 rows, doubling up to 1,024 until two doublings in a row are more than 5 % slower than
  // the fastest; 3 timed batches and 1 ms per size.
  private static final BatchSizeChooser.Limits LIMITS =
      new BatchSizeChooser.Limits(16, 1024, 0.05, 2, 3, 1_000_000L);

  @Test
  void stopsAtThePlateauAndKeepsTheFastestSize() {
    // A fixed 1 ms per call plus 1 us per row: rows/s = rows / (1 ms + rows us). From 64 to 128
    // the rate goes from 60,150 to 113,475 (+89 %), ... from 512 to 1,024: 338,624 -> 505,917
    // (+49 %). A plateau needs a ceiling: past 256 rows each row costs 10 us instead.
    IntToLongFunction script = rows -> 1_000_000L + (rows <= 256 ? rows * 1_000L : 256_000L + (rows - 256) * 10_000L);
    // 256: 256 / 1.256 ms = 203,822 rows/s; 512: 512 / 3.816 ms = 134,172 and 1,024: 1,024 /
    // 8.936 ms = 114,593: two doublings slower by more than 5 %. 256 is timed again, as fast as
    // before, so it stays.
    List<Integer> sizes = new ArrayList<>();
    BatchSizeChooser chooser = run(LIMITS, script, sizes);

    assertThat(chooser.chosen()).isEqualTo(256);
    assertThat(sizes).containsExactly(16, 32, 64, 128, 256, 512, 1024, 256);
  }

  @Test
  void aLargerSizeWithinTheThresholdOfTheFastestIsChosen() {
    // Rows free at 1 ms per call up to 256 rows (256,000 rows/s); 512 rows take 2.062 ms
    // (248,303 rows/s, 3.0 % slower) and 1,024 take 5 ms (204,800, 20 % slower). 256 is timed
    // again at the same rate; 512 is within 5 % of it, so the larger size is chosen.
    IntToLongFunction script = rows -> rows <= 256 ? 1_000_000L : rows == 512 ? 2_062_000L : 5_000_000L;
    List<Integer> sizes = new ArrayList<>();
    BatchSizeChooser chooser = run(LIMITS, script, sizes);

    assertThat(chooser.chosen()).isEqualTo(512);
    assertThat(sizes).containsExactly(16, 32, 64, 128, 256, 512, 1024, 256);
  }

  @Test
  void aMachineThatSlowedDownAfterTheFastestSizeDoesNotStopTheGrowth() {
    // 1 ms per call, rows free (each doubling doubles the rate), until the machine slows down
    // when the first batch of 128 rows runs: from then on every call takes 8 ms. 64 ran at
    // 64,000 rows/s; 128 at 16,000 and 256 at 32,000, two doublings without a gain. 64 is timed
    // again: 8,000 rows/s, slower too, so the later sizes are judged against that. 256 is the
    // fastest and the growth goes on: 512 at 64,000 and 1,024 at 128,000, the most rows.
    boolean[] slow = {false};
    IntToLongFunction script = rows -> {
      slow[0] |= rows == 128;
      return slow[0] ? 8_000_000L : 1_000_000L;
    };
    List<Integer> sizes = new ArrayList<>();
    BatchSizeChooser chooser = run(LIMITS, script, sizes);

    assertThat(chooser.chosen()).isEqualTo(1024);
    assertThat(sizes).containsExactly(16, 32, 64, 128, 256, 64, 512, 1024);
    assertThat(chooser.history()).contains("64 again: 8,000 rows/s");
  }

  @Test
  void aTaskThatWarmedUpAfterTheFastestSizeTimesTheLaterSizesAgain() {
    // Rows free; the first 4 batches (16 rows: a warm-up and 3 timed) take 2 ms each (8,000
    // rows/s), the next 8 (32 and 64 rows) 16 ms each (2,000 and 4,000 rows/s: two doublings
    // slower), and every later one 1 ms, as a fresh JVM warms up. 16 is timed again at 16,000
    // rows/s, twice its first rate: 32 and 64 were timed while the task was slower, so the
    // growth starts again at 32, and each doubling then doubles the rate up to 1,024, the most.
    int[] batches = {0};
    IntToLongFunction script = rows -> {
      int batch = batches[0]++;
      return batch < 4 ? 2_000_000L : batch < 12 ? 16_000_000L : 1_000_000L;
    };
    List<Integer> sizes = new ArrayList<>();
    BatchSizeChooser chooser = run(LIMITS, script, sizes);

    assertThat(chooser.chosen()).isEqualTo(1024);
    assertThat(sizes).containsExactly(16, 32, 64, 16, 32, 64, 128, 256, 512, 1024);
  }

  @Test
  void aSlowerRecheckKeepsTheFastestSizeWhenNoLaterOneBeatsIt() {
    // Rows free at 1 ms per call up to 64 rows (64,000 rows/s); 128 and 256 take 40 ms (3,200
    // and 6,400 rows/s), and from then on every batch of 64 takes 8 ms (8,000 rows/s): slower
    // than before, but still faster than 128 and 256, so 64 is chosen.
    boolean[] slow = {false};
    IntToLongFunction script = rows -> {
      slow[0] |= rows == 256;
      return rows >= 128 ? 40_000_000L : slow[0] ? 8_000_000L : 1_000_000L;
    };
    List<Integer> sizes = new ArrayList<>();
    BatchSizeChooser chooser = run(LIMITS, script, sizes);

    assertThat(chooser.chosen()).isEqualTo(64);
    assertThat(sizes).containsExactly(16, 32, 64, 128, 256, 64);
  }

  @Test
  void growsToTheMostRowsWhileEachDoublingGains() {
    // 1 ms per call, rows free: each doubling doubles the rate.
    List<Integer> sizes = new ArrayList<>();
    BatchSizeChooser chooser = run(LIMITS, rows -> 1_000_000L, sizes);

    assertThat(chooser.chosen()).isEqualTo(1024);
    assertThat(sizes).containsExactly(16, 32, 64, 128, 256, 512, 1024);
  }

  @Test
  void smallGainsKeepTheGrowthGoing() {
    // 1 us per row plus 50 us per call, up to 16,384 rows: 512 -> 1,024: 512/0.562 ms = 911,032
    // -> 1,024/1.074 ms = 953,445 rows/s (+4.7 %), 2,048: 976,168 (+2.4 %), ..., 16,384:
    // 16,384/16.434 ms = 996,957 rows/s, the fastest and the most rows.
    List<Integer> sizes = new ArrayList<>();
    BatchSizeChooser.Limits upTo16k = new BatchSizeChooser.Limits(16, 16384, 0.05, 2, 3, 1_000_000L);
    BatchSizeChooser chooser = run(upTo16k, rows -> 50_000L + rows * 1_000L, sizes);

    assertThat(chooser.chosen()).isEqualTo(16384);
    assertThat(sizes).containsExactly(16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384);
  }

  @Test
  void outOfMemoryBoundsTheSizeToTheFastestThatFitted() {
    BatchSizeChooser chooser = new BatchSizeChooser(LIMITS);
    List<Integer> sizes = new ArrayList<>();
    // Each doubling doubles the rate until 128 rows, which run out of device memory; 64 fitted.
    while (!chooser.done()) {
      int size = chooser.size();
      sizes.add(size);
      if (size == 128) {
        chooser.outOfMemory(128, 64);
      } else {
        chooser.timed(size, size, 1_000_000L);
      }
    }

    assertThat(chooser.chosen()).isEqualTo(64);
    assertThat(sizes).containsExactly(16, 16, 16, 16, 32, 32, 32, 32, 64, 64, 64, 64, 128);
  }

  @Test
  void outOfMemoryKeepsALargerSizeWithinTheThresholdThatFitted() {
    // Rows free at 1 ms per call up to 256 rows (256,000 rows/s); 512 rows take 2.062 ms
    // (248,303 rows/s, 3.0 % slower), then 1,024 rows run out of device memory and 512 fitted:
    // 512 is within 5 % of the fastest and fits, so it is chosen.
    BatchSizeChooser chooser = timedAt(16, 32, 64, 128, 256);
    time(chooser, 512, 2_062_000L);
    assertThat(chooser.size()).isEqualTo(1024);

    chooser.outOfMemory(1024, 512);

    assertThat(chooser.chosen()).isEqualTo(512);
  }

  @Test
  void outOfMemoryBelowTheLargerSizeKeepsTheFastest() {
    // As above, but only 300 rows fitted: 512 is past the bound, so 256 is chosen.
    BatchSizeChooser chooser = timedAt(16, 32, 64, 128, 256);
    time(chooser, 512, 2_062_000L);

    chooser.outOfMemory(1024, 300);

    assertThat(chooser.chosen()).isEqualTo(256);
  }

  @Test
  void outOfMemoryAtTheFirstSizeChoosesWhatFitted() {
    BatchSizeChooser chooser = new BatchSizeChooser(LIMITS);

    chooser.outOfMemory(16, 5);

    assertThat(chooser.chosen()).isEqualTo(5);
  }

  @Test
  void oneSlowDoublingDoesNotStopTheGrowth() {
    // 1 ms per call, rows free, except that every batch of 64 rows took 2 ms (a neighbour had the
    // core): 32 and 64 both run at 32,000 rows/s, one doubling without a gain; 128 runs at
    // 128,000, so the growth goes on to the most rows.
    List<Integer> sizes = new ArrayList<>();
    BatchSizeChooser chooser = run(LIMITS, rows -> rows == 64 ? 2_000_000L : 1_000_000L, sizes);

    assertThat(chooser.chosen()).isEqualTo(1024);
    assertThat(sizes).containsExactly(16, 32, 64, 128, 256, 512, 1024);
  }

  @Test
  void theDefaultsGrowPastTwoSlowDoublingsInARow() {
    // The defaults (three doublings in a row more than 5 % slower than the fastest stop the
    // growth; 3 batches and 20 ms per size). 1 ms per call, rows free, but batches of 64 and 128
    // rows took 4 ms: 32 runs at 32,000 rows/s, 64 at 16,000 and 128 at 32,000 (no gain twice),
    // 256 at 256,000: it goes on.
    List<Integer> sizes = new ArrayList<>();
    BatchSizeChooser chooser =
        run(BatchSizeChooser.Limits.of(1024), rows -> rows == 64 || rows == 128 ? 4_000_000L : 1_000_000L, sizes);

    assertThat(chooser.chosen()).isEqualTo(1024);
    assertThat(sizes).containsExactly(16, 32, 64, 128, 256, 512, 1024);
  }

  @Test
  void noisyTimingsAreJudgedByTheirMedianBatch() {
    // 1 ms per call, rows free (each doubling doubles the rate), but every 4th batch is 20 x
    // slower: the first timed batch of each size (index 1, 5, ...) would alone make a doubling
    // look like a loss; the median of 3 ignores it.
    long[] batches = {0};
    List<Integer> sizes = new ArrayList<>();
    BatchSizeChooser chooser = run(LIMITS, rows -> batches[0]++ % 4 == 1 ? 20_000_000L : 1_000_000L, sizes);

    assertThat(chooser.chosen()).isEqualTo(1024);
  }

  @Test
  void aLuckyBatchOfASmallSizeDoesNotBeatALargerSizesUsualSpeed() {
    // Up to 64 rows, 1 ms per call: 16, 32 and 64 rows run at 16,000, 32,000 and 64,000 rows/s.
    // But every third batch of 16 rows takes 0.1 ms (160,000 rows/s), one of each 3 timed.
    // Judged by its fastest batch, 16 would win, and again when timed again; by the median it is
    // the slowest, and 64, the most rows, is chosen.
    BatchSizeChooser.Limits limits = new BatchSizeChooser.Limits(16, 64, 0.05, 2, 3, 1_000_000L);
    int[] batchesOf16 = {0};
    List<Integer> sizes = new ArrayList<>();
    BatchSizeChooser chooser =
        run(limits, rows -> rows == 16 && batchesOf16[0]++ % 3 == 2 ? 100_000L : 1_000_000L, sizes);

    assertThat(chooser.chosen()).isEqualTo(64);
    assertThat(sizes).containsExactly(16, 32, 64);
  }

  @Test
  void theSameTimingsGiveTheSameChoice() {
    // 200 us per call, 7 us per row and 100 us per (rows % 3): 256 rows take 2,092 us (122,371
    // rows/s), 512 take 3,984 us (128,514: +5.02 %, so on), 1,024 take 7,468 us (137,118: the most).
    IntToLongFunction script = rows -> 200_000L + rows * 7_000L + (rows % 3) * 100_000L;
    List<Integer> firstSizes = new ArrayList<>();
    List<Integer> secondSizes = new ArrayList<>();
    int first = run(LIMITS, script, firstSizes).chosen();
    int second = run(LIMITS, script, secondSizes).chosen();

    assertThat(first).isEqualTo(second).isEqualTo(1024);
    assertThat(firstSizes).isEqualTo(secondSizes);
  }

  @Test
  void batchesOfAnotherSizeAreNotTimed() {
    BatchSizeChooser chooser = new BatchSizeChooser(LIMITS);

    // A partition's short last batch, one with bad rows left out, one read before the size grew.
    chooser.timed(16, 9, 1);
    chooser.timed(16, 15, 1);
    chooser.timed(8, 8, 1);

    assertThat(chooser.size()).isEqualTo(16);
    assertThat(chooser.bestSoFar()).isEqualTo(16);
    assertThat(chooser.done()).isFalse();
  }

  @Test
  void theHeapsByteBoundCapsTheSizeAndItIsTimedThere() {
    BatchSizeChooser chooser = timedAt(16, 32);
    // 64 rows asked, the bytes cut the batch at 40: 40 is tried, and is the last size.
    chooser.bytesBound(64, 40);
    assertThat(chooser.size()).isEqualTo(40);
    time(chooser, 40, 1_000_000L);

    assertThat(chooser.chosen()).isEqualTo(40);
  }

  @Test
  void theInputsBatchesBoundTheSizeAndTheFastestTimedIsChosen() {
    // A scan's batches of 64 rows: 16, 32 and 64 are timed (each doubling doubles the rate),
    // then every batch of 128 is cut at 64 by the input; patience (2) such cuts in a row end the
    // growth, with 64 chosen, already timed.
    BatchSizeChooser chooser = timedAt(16, 32, 64);
    assertThat(chooser.size()).isEqualTo(128);
    chooser.inputBound(128, 64);
    assertThat(chooser.done()).isFalse();
    chooser.inputBound(128, 64);

    assertThat(chooser.chosen()).isEqualTo(64);
  }

  @Test
  void theInputsBatchesKeepALargerSizeWithinTheThresholdOfTheFastest() {
    // 64 runs at 64,000 rows/s; 128 rows take 2.05 ms (62,439 rows/s, 2.4 % slower). A scan's
    // batches of 128 rows then cut every batch of 256: the growth ends at 128, within 5 % of the
    // fastest and larger, so it is chosen.
    BatchSizeChooser chooser = timedAt(16, 32, 64);
    time(chooser, 128, 2_050_000L);
    assertThat(chooser.size()).isEqualTo(256);
    chooser.inputBound(256, 128);
    chooser.inputBound(256, 128);

    assertThat(chooser.chosen()).isEqualTo(128);
  }

  @Test
  void anInputBatchLargerThanAnySizeTimedIsTimedThere() {
    // Batches of 100 rows: 128 is cut at 100 twice, so 100 is timed, and gains: it is chosen.
    BatchSizeChooser chooser = timedAt(16, 32, 64);
    chooser.inputBound(128, 100);
    chooser.inputBound(128, 36);
    assertThat(chooser.size()).isEqualTo(100);
    time(chooser, 100, 1_000_000L);

    assertThat(chooser.chosen()).isEqualTo(100);
  }

  @Test
  void aShortLastBatchBetweenWholeOnesDoesNotBoundTheSize() {
    // Input batches of 200 rows: each gives one whole batch of 128 and a short one of 72, so the
    // cuts never come in a row, and 128 is timed as any size.
    BatchSizeChooser chooser = timedAt(16, 32, 64);
    for (int i = 0; i < 4; i++) {
      chooser.timed(128, 128, 1_000_000L);
      chooser.inputBound(128, 72);
    }
    assertThat(chooser.size()).isEqualTo(256);
    assertThat(chooser.done()).isFalse();
  }

  @Test
  void aSmallMaximumIsTheOnlySizeTried() {
    // batch.max.bytes allows 13 rows of 224 x 224 float images (8 MiB on a CPU).
    BatchSizeChooser chooser = new BatchSizeChooser(BatchSizeChooser.Limits.of(13));

    assertThat(chooser.chosen()).as("nothing to compare: chosen without timing").isEqualTo(13);
  }

  /** Runs batches of the chooser's size until it chooses, recording each size it tried once. */
  private static BatchSizeChooser run(BatchSizeChooser.Limits limits, IntToLongFunction nanos, List<Integer> sizes) {
    BatchSizeChooser chooser = new BatchSizeChooser(limits);
    for (int batch = 0; batch < 1_000 && !chooser.done(); batch++) {
      int size = chooser.size();
      if (sizes.isEmpty() || sizes.get(sizes.size() - 1) != size) {
        sizes.add(size);
      }
      chooser.timed(size, size, nanos.applyAsLong(size));
    }
    assertThat(chooser.done()).isTrue();
    return chooser;
  }

  /** Returns a chooser (LIMITS) whose first sizes were timed in turn at 1 ms a batch, each doubling a gain. */
  private static BatchSizeChooser timedAt(int... sizes) {
    BatchSizeChooser chooser = new BatchSizeChooser(LIMITS);
    for (int size : sizes) {
      time(chooser, size, 1_000_000L);
    }
    return chooser;
  }

  /** One warm-up and three timed batches of {@code size} rows. */
  private static void time(BatchSizeChooser chooser, int size, long nanos) {
    assertThat(chooser.size()).isEqualTo(size);
    for (int i = 0; i < 4; i++) {
      chooser.timed(size, size, nanos);
    }
  }
}
