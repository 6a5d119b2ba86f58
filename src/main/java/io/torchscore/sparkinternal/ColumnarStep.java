package io.torchscore.sparkinternal;

import java.io.Serializable;
import java.util.Iterator;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * What {@link ColumnarScoreStrategy} plans from the scoring step of a query plan: how it scores
 * columnar batches, and how it scores rows where the scan gives rows after all.
 */
public interface ColumnarStep extends Serializable {

  /**
   * Scores a partition's rows (whole, or pairs of the held and the read columns).
   *
   * @param rows the input rows
   * @return the scored rows
   */
  Iterator<InternalRow> scoreRows(Iterator<InternalRow> rows);

  /**
   * Returns whether a row comes as a pair of structs: the held columns and the read ones.
   *
   * @return whether rows are split
   */
  boolean split();

  /**
   * Returns the partition function over columnar batches.
   *
   * @return the function, or null when rows are asked for on every input
   */
  ColumnarPartition columnar();
}
