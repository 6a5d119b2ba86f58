package io.torchscore.job;

import io.torchscore.spark.PartitionStats;

/**
 * Rows the scoring read, and how many of them were bad (nulled or skipped).
 *
 * @param all rows scored, nulled and skipped
 * @param bad rows nulled and skipped
 */
record RowsSeen(long all, long bad) {

  /**
   * Returns the rows a partition's statistics saw.
   *
   * @param stats one partition's statistics
   * @return its rows
   */
  static RowsSeen of(PartitionStats stats) {
    return new RowsSeen(stats.rowsSeen(), stats.badRows());
  }
}
