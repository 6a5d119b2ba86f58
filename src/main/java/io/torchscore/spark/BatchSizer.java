package io.torchscore.spark;

/**
 * The rows of each batch one partition reads: a fixed number, or (for {@code batch.size=auto})
 * the size a {@link BatchSizeProbe} chose or is timing. One per partition, on its task's thread.
 */
interface BatchSizer {

  /**
   * Returns the rows of the next batch to read.
   *
   * @param mayTime whether the batch may be timed: false for a batch read while the device runs
   *     the previous one (prefetch), whose forward's time would not be its own
   * @return the rows
   */
  int rows(boolean mayTime);

  /** Returns whether the batch {@link #rows} last sized is timed: it then runs without prefetch. */
  boolean timing();

  /**
   * Takes a timed batch's time: on a CPU its whole cycle (read, encode, forward, decode), with
   * prefetch (a GPU) its copies to and from the device and its forward.
   */
  void timed(int asked, int rows, long nanos);

  /** Takes a timed batch that ran out of device memory until {@code fitted} rows fitted. */
  void outOfMemory(int asked, int fitted);

  /** Takes a timed batch that {@code batch.rows.max.bytes} cut at {@code rows}. */
  void bytesBound(int asked, int rows);

  /** Takes a timed batch that its input's own batch (a scan's columnar batch) ended at {@code rows}. */
  void inputBound(int asked, int rows);

  /** Says the partition ended: another task may go on timing. */
  void finished();

  /**
   * Returns a sizer of a fixed number of rows.
   *
   * @param rows rows per batch
   * @return the sizer
   */
  static BatchSizer fixed(int rows) {
    return new BatchSizer() {
      @Override
      public int rows(boolean mayTime) {
        return rows;
      }

      @Override
      public boolean timing() {
        return false;
      }

      @Override
      public void timed(int asked, int rows, long nanos) {}

      @Override
      public void outOfMemory(int asked, int fitted) {}

      @Override
      public void bytesBound(int asked, int rows) {}

      @Override
      public void inputBound(int asked, int rows) {}

      @Override
      public void finished() {}
    };
  }
}
