package io.torchscore.job;

import io.torchscore.spark.PartitionStats;
import io.torchscore.spark.PartitionTimeline;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Rows scored over time, summed per time bucket since the first partition started. Each
 * partition's rows are placed by the times its batches' predictions were stored: the rows of the
 * batches that ended at a mark are spread over the time since the mark before it (or since the
 * partition started).
 *
 * @param startMillis when the first partition started, epoch milliseconds
 * @param bucketMillis the width of a bucket
 * @param rows rows scored in each bucket; they sum to the partitions' rows
 */
public record Throughput(long startMillis, long bucketMillis, long[] rows) {

  /**
   * Returns the rows scored over time by the partitions whose start and end were measured, in
   * about {@code buckets} buckets of a round width (1, 2 or 5 times a power of ten milliseconds).
   *
   * @param partitions partition to its statistics, as {@code ScoreMetrics.partitions()} gives them
   * @param buckets the most buckets wanted
   * @return the series; no buckets when no task scored
   */
  public static Throughput of(Map<Integer, PartitionStats> partitions, int buckets) {
    List<Partition> measured = new ArrayList<>();
    partitions.forEach(
        (partition, stats) -> {
          PartitionTimeline timeline = stats.timeline();
          if (partition >= 0 && timeline.measured()) {
            measured.add(
                new Partition(
                    timeline.startedMillis(), timeline.finishedMillis(), stats.rows(), timeline.markMillis(), timeline.markRows()));
          }
        });
    return over(measured, buckets);
  }

  /**
   * Returns partitions' rows scored over time, in about {@code buckets} buckets of a round width.
   *
   * @param partitions the partitions' timelines
   * @param buckets the most buckets wanted
   * @return the series; no buckets when there are no partitions
   */
  static Throughput over(List<Partition> partitions, int buckets) {
    if (partitions.isEmpty()) {
      return new Throughput(0, 1, new long[0]);
    }
    long start = partitions.stream().mapToLong(Partition::startedMillis).min().getAsLong();
    long end = partitions.stream().mapToLong(Partition::finishedMillis).max().getAsLong();
    long width = roundWidth((end - start + 1) / (double) buckets);
    long[] rows = new long[(int) ((end - start) / width) + 1];
    for (Partition partition : partitions) {
      for (int bucket = 0; bucket < rows.length; bucket++) {
        long from = start + bucket * width;
        rows[bucket] += partition.rowsBefore(from + width) - partition.rowsBefore(from);
      }
    }
    return new Throughput(start, width, rows);
  }

  private static long roundWidth(double millis) {
    long width = 1;
    while (true) {
      for (long step : new long[] {1, 2, 5}) {
        if (width * step >= millis) {
          return width * step;
        }
      }
      width *= 10;
    }
  }

  /**
   * When one partition's rows were scored: its start and end, and the marks its batches took.
   *
   * @param startedMillis when the partition's scoring started, epoch milliseconds
   * @param finishedMillis when it ended
   * @param rows the rows it scored
   * @param markMillis the marks' times, in the order taken
   * @param markRows the rows scored by each mark's time
   */
  record Partition(long startedMillis, long finishedMillis, long rows, long[] markMillis, long[] markRows) {

    /**
     * Returns the rows scored before a time: between two marks (or the start, a mark, and the
     * end) the rows of the batches that ended at the later one are spread over the time between
     * them, rounded down. The partition takes the milliseconds from its start to its end, both
     * included.
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
}
