package io.torchscore.sparkinternal;

import java.io.Serializable;
import java.util.Iterator;
import org.apache.spark.sql.catalyst.InternalRow;

/** Starts scoring a partition's rows on an executor: its model leased until the rows returned are closed. */
@FunctionalInterface
public interface PartitionScorer extends Serializable {

  /**
   * Starts scoring the rows.
   *
   * @param rows the partition's input rows
   * @return the scored rows
   */
  ScoredRows open(Iterator<InternalRow> rows);
}
