package io.torchscore.spark;

import java.util.Arrays;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.vectorized.ColumnarRow;
import org.apache.spark.unsafe.Platform;

/**
 * Keeps a batch's rows until they are emitted, since scans reuse their row object: a view of a
 * columnar batch (each row its own view) is kept as it is; an {@code UnsafeRow} (what a scan
 * gives) is copied into the batch's arena, a byte array reused from batch to batch (and, through
 * {@link RowArenas}, by the thread's next partitions), and read through the slot's own row
 * object; any other row is copied.
 */
final class HeldRows implements AutoCloseable {

  private static final int MIN_ARENA_BYTES = 1 << 16;
  private static final int MAX_ARENA_BYTES = Integer.MAX_VALUE - 8;

  private final long maxBytes;
  private UnsafeRow[] kept = new UnsafeRow[0];
  private byte[] arena = new byte[0];
  private int used;

  /** @param maxBytes the most bytes of rows a batch holds: the arena grows to at most this */
  HeldRows(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** Makes room for the views of {@code capacity} rows. */
  void ensure(int capacity) {
    if (capacity > kept.length) {
      kept = Arrays.copyOf(kept, capacity);
    }
  }

  /** Starts a batch: the arena is written from its start again. */
  void clear() {
    used = 0;
  }

  /**
   * Returns the row kept in {@code slot}; {@code rowsLeft} (this one included) sizes a new arena
   * for the rest of the batch in rows of this size, so that a batch of images does not grow it a
   * dozen times.
   */
  InternalRow keep(InternalRow row, int slot, int rowsLeft) {
    if (row instanceof ColumnarRow) {
      return row; // a view of a column vector, valid until the segment's rows are emitted
    }
    if (!(row instanceof UnsafeRow unsafe)) {
      return row.copy();
    }
    int bytes = unsafe.getSizeInBytes();
    if (used + bytes > arena.length) {
      // Rows kept earlier in this batch hold the old arena until they are emitted.
      long rest = Math.min((long) bytes * rowsLeft, maxBytes);
      long size = Math.max(Math.max(bytes, MIN_ARENA_BYTES), Math.max(rest, 2L * arena.length));
      arena = RowArenas.take((int) Math.min(size, MAX_ARENA_BYTES));
      used = 0;
    }
    long at = Platform.BYTE_ARRAY_OFFSET + used;
    Platform.copyMemory(unsafe.getBaseObject(), unsafe.getBaseOffset(), arena, at, bytes);
    used += bytes;
    UnsafeRow view = kept[slot];
    if (view == null || view.numFields() != unsafe.numFields()) {
      view = new UnsafeRow(unsafe.numFields());
      kept[slot] = view;
    }
    view.pointTo(arena, at, bytes);
    return view;
  }

  /** Gives the arena back for the thread's next partition. */
  @Override
  public void close() {
    RowArenas.give(arena);
  }
}
