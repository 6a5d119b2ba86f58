package io.torchscore.spark;

import java.io.Serializable;
import java.util.Iterator;
import org.apache.spark.sql.catalyst.InternalRow;

/** Starts scoring a partition's rows on an executor: its model leased until the iterator is closed. */
@FunctionalInterface
interface PartitionScorer extends Serializable {

  ScoredRowIterator open(Iterator<InternalRow> rows);
}
