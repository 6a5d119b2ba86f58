package io.torchscore.spark;

import java.util.Arrays;

/**
 * When one partition's rows were scored, as measured: the partition's start and end, and marks
 * of the time and the rows scored so far taken as its batches' predictions were stored.
 *
 * <p>A partition keeps at most {@link #KEPT} marks in its counts: when they are full, every
 * other one is dropped and from then on only every other batch is marked, so that the marks stay
 * evenly spread over the partition's batches however many it has.
 *
 * @param startedMillis when the partition's scoring started, epoch milliseconds
 * @param finishedMillis when it ended
 * @param rows the rows it scored
 * @param markMillis the marks' times, in the order taken
 * @param markRows the rows scored by each mark's time
 */
record PartitionTimeline(long startedMillis, long finishedMillis, long rows, long[] markMillis, long[] markRows) {

  /** The most marks a partition keeps. */
  static final int KEPT = 64;

  /** The longs the marks take in a partition's counts. */
  static final int WIDTH = 3 + 2 * KEPT;

  // Offsets from where the marks start in the counts.
  private static final int COUNT = 0;
  private static final int STRIDE = 1;
  private static final int BATCHES = 2;
  private static final int FIRST = 3;

  /**
   * Marks a batch's end in a partition's counts.
   *
   * @param values the partition's counts
   * @param at where its marks start
   * @param millis now, epoch milliseconds
   * @param rowsSoFar the rows the partition has scored, this batch's included
   */
  static void mark(long[] values, int at, long millis, long rowsSoFar) {
    long batches = ++values[at + BATCHES];
    long stride = Math.max(1, values[at + STRIDE]);
    if (batches % stride != 0) {
      return;
    }
    if (values[at + COUNT] == KEPT) {
      for (int i = 0; i < KEPT / 2; i++) {
        values[at + FIRST + 2 * i] = values[at + FIRST + 2 * (2 * i + 1)];
        values[at + FIRST + 2 * i + 1] = values[at + FIRST + 2 * (2 * i + 1) + 1];
      }
      Arrays.fill(values, at + FIRST + KEPT, at + FIRST + 2 * KEPT, 0);
      values[at + COUNT] = KEPT / 2;
      stride *= 2;
      values[at + STRIDE] = stride;
      if (batches % stride != 0) {
        return;
      }
    }
    int next = (int) values[at + COUNT];
    values[at + FIRST + 2 * next] = millis;
    values[at + FIRST + 2 * next + 1] = rowsSoFar;
    values[at + COUNT] = next + 1;
  }

  /**
   * Reads a partition's timeline from its counts.
   *
   * @param values the partition's counts
   * @param at where its marks start
   * @param startedMillis when its scoring started
   * @param finishedMillis when it ended
   * @param rows the rows it scored
   * @return the timeline
   */
  static PartitionTimeline read(long[] values, int at, long startedMillis, long finishedMillis, long rows) {
    int count = (int) values[at + COUNT];
    long[] millis = new long[count];
    long[] rowsSoFar = new long[count];
    for (int i = 0; i < count; i++) {
      millis[i] = values[at + FIRST + 2 * i];
      rowsSoFar[i] = values[at + FIRST + 2 * i + 1];
    }
    return new PartitionTimeline(startedMillis, finishedMillis, rows, millis, rowsSoFar);
  }

  /**
   * Returns the rows scored before a time: between two marks (or the start, a mark, and the end)
   * the rows of the batches that ended at the later one are spread over the time between them,
   * rounded down. The partition takes the milliseconds from its start to its end, both included.
   *
   * @param millis epoch milliseconds
   * @return rows, from 0 at or before the start to {@link #rows()} after the end
   */
  long rowsBefore(long millis) {
    if (millis <= startedMillis) {
      return 0;
    }
    long end = finishedMillis + 1;
    if (millis >= end) {
      return rows;
    }
    long fromMillis = startedMillis;
    long fromRows = 0;
    int next = 0;
    while (next < markMillis.length && millis > markAt(next, fromMillis, end)) {
      fromMillis = markAt(next, fromMillis, end);
      fromRows = markRows[next];
      next++;
    }
    long toMillis = next < markMillis.length ? markAt(next, fromMillis, end) : end;
    long toRows = next < markMillis.length ? markRows[next] : rows;
    return fromRows + (toRows - fromRows) * (millis - fromMillis) / (toMillis - fromMillis);
  }

  /** Returns a mark's time, kept between the one before it and the end: a clock set back cannot reorder them. */
  private long markAt(int mark, long previousMillis, long end) {
    return Math.min(Math.max(markMillis[mark], previousMillis), end);
  }
}
