package io.torchscore.sparkinternal;

import java.util.Iterator;
import org.apache.spark.sql.catalyst.InternalRow;

/** A partition's scored rows, which hold its model until closed. */
public interface ScoredRows extends Iterator<InternalRow>, AutoCloseable {

  /**
   * Makes the rows a segmented read (a columnar batch's rows, then the next batch's): the input
   * may end and be refilled, so the rows close only on {@link #close()}.
   *
   * @return these rows
   */
  ScoredRows segmented();

  /** Ends the partition's scoring and gives its model back. */
  @Override
  void close();
}
