package io.torchscore.spark;

import java.util.ArrayList;
import java.util.List;

/**
 * Chooses a batch size from timed batches: starting small, it doubles the batch and keeps the
 * fastest size seen. It stops growing when {@code patience} doublings in a row are slower than
 * the fastest size by more than a threshold, at a CUDA out-of-memory (the batch that fitted is
 * the bound), at a batch the heap's byte bound cut short, at the size of the input's own batches
 * (a scan's columnar batches, which a scoring batch never spans), or at the most rows allowed.
 * Sizes as fast as the fastest, within the threshold, keep the growth going: a larger batch
 * spreads the per-batch costs that its timing misses (the scan's and the task's own work between
 * batches) over more rows. So the choice is the largest size timed after the fastest whose rate
 * is within the threshold of it, or the fastest.
 *
 * <p>At each size the first batch is not timed (TorchScript re-optimises for each new input
 * shape), and the rate is the median of at least {@code minBatches} batches' rates, taking
 * together at least {@code minNanos}. The median is the size's usual speed: the few batches a busy
 * machine slowed down do not move it, and it does not favour small sizes, as the fastest batch
 * did: a small size times many more batches in the same time, and the fastest of many is a lucky
 * one (in {@code jobs/bench} the MLP's fastest batch of 1,024 rows ran 6.7 M rows/s, between
 * 2.3 M at 512 and 3.5 M at 2,048, and 1,024 was chosen where the job ran 0.8 times as fast as at
 * 16,384). Pure logic, fed by the scoring task: the same timings always give the same choice.
 * Not thread-safe.
 *
 * <p>Before it keeps a fastest size timed earlier than the last, it times that size again: the
 * sizes after it were timed later, and a machine that slowed down meanwhile (another task ramping
 * up beside this one, a neighbour on the host) makes every later size look slower. When the
 * fastest size is still as fast (within the threshold), the choice is made. When it slowed down
 * too, the sizes after it are judged against its new rate, the fastest of them all is kept, and
 * the growth goes on from the largest size timed. When it ran faster, by more than the threshold,
 * the task was still warming up while the later sizes were timed (a job's first batches, in a
 * fresh JVM, run its code before the JIT has compiled it): the growth starts again after it, at
 * most {@code patience} times.
 */
final class BatchSizeChooser {

  /**
   * How the chooser grows and measures.
   *
   * @param start the first size tried
   * @param max the most rows a batch may hold (the tensor byte bound applied)
   * @param threshold how much slower than the fastest size (0.05: 5 %) a size may be and still
   *     count as fast: chosen over it when larger, or confirming it when timed again
   * @param patience doublings in a row slower than that which stop the growth
   * @param minBatches timed batches per size, at least
   * @param minNanos timed nanoseconds per size, at least
   */
  record Limits(int start, int max, double threshold, int patience, int minBatches, long minNanos) {

    /**
     * The defaults: from 16 rows, doubling until three doublings in a row are more than 5 % slower
     * than the fastest, 3 batches and 20 ms per size (a fast model's small sizes need a few
     * hundred batches). In {@code jobs/bench} on 2 cores, stopping where doublings gained less than 5 %
     * kept the MLP at 2,048 or 4,096 rows, where its job ran fastest at 16,384: the timed cycle
     * gains a few percent per doubling there, the whole job more.
     */
    static Limits of(int max) {
      return new Limits(Math.min(16, max), max, 0.05, 3, 3, 20_000_000L);
    }
  }

  private final Limits limits;
  private int max;
  private int size;
  private boolean warmedUp;
  // This size's timed batches' rates so far, and their time.
  private final List<Double> rates = new ArrayList<>();
  private long timedNanos;
  private int best;
  private double bestRate;
  private int largestTimed;
  // This size's batches in a row that the input's batches ended short, and the most rows among them.
  private int inputCuts;
  private int largestInputCut;
  // The sizes timed after the fastest one, with their rates, while it stays the fastest.
  private final List<Timed> sinceBest = new ArrayList<>();
  private boolean rechecking;
  // Times the fastest size, timed again, was faster than before: at most patience.
  private int spedUp;
  private int chosen;
  private final StringBuilder history = new StringBuilder();

  BatchSizeChooser(Limits limits) {
    this.limits = limits;
    this.max = Math.max(1, limits.max());
    this.size = Math.max(1, Math.min(limits.start(), max));
    if (size == max) {
      choose(max); // one size allowed: nothing to time
    }
  }

  /** Returns the rows of the next batch to time, or the choice once made. */
  int size() {
    return chosen > 0 ? chosen : size;
  }

  /** Returns the fastest size timed so far (the start before any), or the choice once made. */
  int bestSoFar() {
    if (chosen > 0) {
      return chosen;
    }
    return best > 0 ? best : size;
  }

  /** Returns whether the size is chosen. */
  boolean done() {
    return chosen > 0;
  }

  /** Returns the chosen size, 0 until chosen. */
  int chosen() {
    return chosen;
  }

  /**
   * Takes one batch's timing.
   *
   * @param asked the rows the batch was read for ({@link #size()} when it was read)
   * @param rows the rows its forward ran
   * @param nanos its time ({@link BatchSizer#timed}: on a CPU the batch's whole cycle, on a GPU
   *     the forward with its copies to and from the device)
   */
  void timed(int asked, int rows, long nanos) {
    if (done() || asked != size || rows != size) {
      return; // a partition's last batch, bad rows left out, or a size no longer tried
    }
    inputCuts = 0;
    largestInputCut = 0;
    if (!warmedUp) {
      warmedUp = true;
      return;
    }
    rates.add(rows * 1e9 / Math.max(1, nanos));
    timedNanos += nanos;
    if (rates.size() < limits.minBatches() || timedNanos < limits.minNanos()) {
      return;
    }
    double rate = medianRate();
    if (rechecking) {
      recheckedAt(rate);
      return;
    }
    note(String.format(java.util.Locale.ROOT, "%d: %,.0f rows/s", size, rate));
    if (rate > bestRate) {
      best = size;
      bestRate = rate;
      sinceBest.clear();
    } else {
      sinceBest.add(new Timed(size, rate));
    }
    largestTimed = size;
    if (slowInARow() >= limits.patience() || size >= max) {
      if (best == size) {
        choose(best);
      } else {
        next(best);
        rechecking = true;
      }
      return;
    }
    next(Math.min(max, size * 2));
  }

  /** Takes the fastest size's rate timed again, after the sizes that did not beat it. */
  private void recheckedAt(double rate) {
    note(String.format(java.util.Locale.ROOT, "%d again: %,.0f rows/s", size, rate));
    if (rate > bestRate * (1 + limits.threshold()) && spedUp < limits.patience()) {
      // Faster than before by more than the threshold: the task was still warming up (the JIT,
      // libtorch's first calls), and the sizes after it, timed meanwhile, were slower than they are.
      spedUp++;
      bestRate = rate;
      sinceBest.clear();
      next(Math.min(max, best * 2));
      return;
    }
    if (fast(rate)) {
      chooseLargestNearBest(max);
      return;
    }
    bestRate = rate;
    int fastest = -1;
    for (int i = 0; i < sinceBest.size(); i++) {
      Timed later = sinceBest.get(i);
      if (later.rate() > bestRate) {
        best = later.size();
        bestRate = later.rate();
        fastest = i;
      }
    }
    sinceBest.subList(0, fastest + 1).clear();
    if (slowInARow() >= limits.patience() || largestTimed >= max) {
      chooseLargestNearBest(max);
    } else {
      next(Math.min(max, largestTimed * 2));
    }
  }

  /**
   * Takes a forward of {@code asked} rows that ran out of device memory: the batch was split
   * until {@code fitted} rows fitted. The size is then chosen among those timed that fit (see
   * {@link #chooseLargestNearBest}), or is what fitted when none was.
   */
  void outOfMemory(int asked, int fitted) {
    if (done()) {
      return;
    }
    int bound = Math.max(1, Math.min(fitted, asked - 1));
    note(asked + ": out of device memory, " + fitted + " fitted");
    chooseLargestNearBest(bound);
  }

  /**
   * Takes a batch read for {@code asked} rows that the heap's byte bound
   * ({@code batch.rows.max.bytes}) cut at {@code rows}: no batch grows past that.
   */
  void bytesBound(int asked, int rows) {
    if (done() || asked != size || rows >= max) {
      return;
    }
    max = Math.max(1, rows);
    note(asked + ": cut at " + rows + " by the heap's byte bound");
    if (best >= max) {
      choose(max);
    } else {
      next(max);
    }
  }

  /**
   * Takes a batch read for {@code asked} rows that the input's own batch ended at {@code rows} (a
   * scan's columnar batch: a scoring batch never spans two). A file's last batch is short too, so
   * only {@code patience} such batches in a row, with no whole batch between them, make the
   * input's batch (the most rows among them) the bound: the size is then chosen among those
   * timed up to it (see {@link #chooseLargestNearBest}), or that bound is timed when it is larger
   * than any size timed.
   */
  void inputBound(int asked, int rows) {
    if (done() || asked != size || rows >= size) {
      return;
    }
    inputCuts++;
    largestInputCut = Math.max(largestInputCut, rows);
    if (inputCuts < limits.patience()) {
      return;
    }
    max = Math.max(1, largestInputCut);
    note(asked + ": the input's batches hold " + max + " rows");
    if (largestTimed >= max) {
      chooseLargestNearBest(max);
    } else {
      next(max);
    }
  }

  /** Returns what was timed, e.g. {@code 16: 1,200 rows/s; 32: 1,150 rows/s}. */
  String history() {
    return history.toString();
  }

  private void note(String line) {
    history.append(history.length() == 0 ? "" : "; ").append(line);
  }

  private void next(int rows) {
    size = rows;
    rechecking = false;
    warmedUp = false;
    rates.clear();
    timedNanos = 0;
    inputCuts = 0;
    largestInputCut = 0;
  }

  /**
   * Chooses, up to {@code bound} rows, the largest size timed after the fastest one within the
   * threshold of its rate, or the fastest; the bound itself when no size up to it was timed.
   */
  private void chooseLargestNearBest(int bound) {
    if (best == 0 || best > bound) {
      choose(bound);
      return;
    }
    int rows = best;
    for (Timed later : sinceBest) {
      if (later.size() <= bound && fast(later.rate())) {
        rows = later.size();
      }
    }
    choose(rows);
  }

  /** Returns the median of this size's batch rates (the mean of the middle two when even). */
  private double medianRate() {
    rates.sort(null);
    int middle = rates.size() / 2;
    return rates.size() % 2 == 1 ? rates.get(middle) : (rates.get(middle - 1) + rates.get(middle)) / 2;
  }

  /** Returns whether a rate is within the threshold of the fastest. */
  private boolean fast(double rate) {
    return rate >= bestRate * (1 - limits.threshold());
  }

  /** Returns how many of the last sizes timed, in a row, were slower than the fastest by more than the threshold. */
  private int slowInARow() {
    int slow = 0;
    for (int i = sinceBest.size() - 1; i >= 0 && !fast(sinceBest.get(i).rate()); i--) {
      slow++;
    }
    return slow;
  }

  private void choose(int rows) {
    chosen = rows;
  }

  private record Timed(int size, double rate) {}
}
