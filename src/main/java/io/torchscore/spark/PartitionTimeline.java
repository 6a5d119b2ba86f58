package io.torchscore.spark;

import java.io.Serializable;
import java.util.Arrays;

/**
 * When one partition's rows were scored, as measured: the partition's start and end, and marks
 * of the time and the rows scored so far taken as its batches' predictions were stored.
 *
 * <p>A partition keeps at most {@link #KEPT} marks: when they are full, every other one is dropped
 * and from then on only every other batch is marked, so that the marks stay evenly spread over the
 * partition's batches however many it has.
 *
 * @param startedMillis when the partition's scoring started, epoch milliseconds; 0 if not heard of
 * @param finishedMillis when it ended; 0 if it did not
 * @param batches the batches marked or skipped so far
 * @param stride how many batches one mark stands for: 1, 2, 4, ...
 * @param markMillis the marks' times, in the order taken
 * @param markRows the rows scored by each mark's time
 */
public record PartitionTimeline(
    long startedMillis, long finishedMillis, long batches, long stride, long[] markMillis, long[] markRows)
    implements Serializable {

  /** The most marks a partition keeps. */
  static final int KEPT = 64;

  /** Nothing measured yet. */
  static final PartitionTimeline NONE = new PartitionTimeline(0, 0, 0, 1, new long[0], new long[0]);

  /**
   * Makes a timeline, copying the marks.
   *
   * @throws IllegalArgumentException when the marks' times and rows differ in number
   */
  public PartitionTimeline {
    if (markMillis.length != markRows.length) {
      throw new IllegalArgumentException(
          "Invalid timeline: " + markMillis.length + " mark times but " + markRows.length + " mark rows");
    }
    markMillis = markMillis.clone();
    markRows = markRows.clone();
  }

  @Override
  public long[] markMillis() {
    return markMillis.clone();
  }

  @Override
  public long[] markRows() {
    return markRows.clone();
  }

  /**
   * Returns whether the partition's scoring was seen to start and to end.
   *
   * @return true when both times are known
   */
  public boolean measured() {
    return startedMillis > 0 && finishedMillis >= startedMillis;
  }

  PartitionTimeline started(long millis) {
    return new PartitionTimeline(millis, finishedMillis, batches, stride, markMillis, markRows);
  }

  PartitionTimeline finished(long millis) {
    return new PartitionTimeline(startedMillis, millis, batches, stride, markMillis, markRows);
  }

  /**
   * Returns this timeline with a batch's end marked.
   *
   * @param millis now, epoch milliseconds
   * @param rowsSoFar the rows the partition has scored, this batch's included
   * @return the new timeline
   */
  PartitionTimeline marked(long millis, long rowsSoFar) {
    long counted = batches + 1;
    long every = stride;
    long[] times = markMillis;
    long[] rows = markRows;
    if (counted % every == 0 && times.length == KEPT) {
      times = everyOther(times);
      rows = everyOther(rows);
      every *= 2;
    }
    if (counted % every == 0) {
      times = Arrays.copyOf(times, times.length + 1);
      times[times.length - 1] = millis;
      rows = Arrays.copyOf(rows, rows.length + 1);
      rows[rows.length - 1] = rowsSoFar;
    }
    return new PartitionTimeline(startedMillis, finishedMillis, counted, every, times, rows);
  }

  /** Keeps the 2nd, 4th, ... of the marks: those of the batches the doubled stride would mark. */
  private static long[] everyOther(long[] marks) {
    long[] kept = new long[marks.length / 2];
    for (int i = 0; i < kept.length; i++) {
      kept[i] = marks[2 * i + 1];
    }
    return kept;
  }
}
