package io.torchscore.sparkinternal;

import java.util.Arrays;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.vectorized.ColumnarRow;
import org.apache.spark.unsafe.Platform;

/**
 * Keeps a batch's rows until they are emitted, since scans reuse their row object: a view of a
 * columnar batch (each row its own view) is kept as it is; an {@code UnsafeRow} (what a scan
 * gives) is copied into the batch's arena, a byte array reused from batch to batch (and, through
 * its arena source, by the thread's next partitions), and read through the slot's own row object;
 * any other row is copied.
 */
public final class HeldRows implements AutoCloseable {

  private static final int MIN_ARENA_BYTES = 1 << 16;
  private static final int MAX_ARENA_BYTES = Integer.MAX_VALUE - 8;

  private final long maxBytes;
  private final IntFunction<byte[]> takeArena;
  private final Consumer<byte[]> giveArena;
  private UnsafeRow[] kept = new UnsafeRow[0];
  private byte[] arena = new byte[0];
  private int used;

  /**
   * Creates the store of a batch's rows.
   *
   * @param maxBytes the most bytes of rows a batch holds: the arena grows to at most this
   * @param takeArena returns a byte array of at least the length asked for, its content undefined
   * @param giveArena takes back an arena once the partition is done with it
   */
  public HeldRows(long maxBytes, IntFunction<byte[]> takeArena, Consumer<byte[]> giveArena) {
    this.maxBytes = maxBytes;
    this.takeArena = takeArena;
    this.giveArena = giveArena;
  }

  /**
   * Makes room for the views of {@code capacity} rows.
   *
   * @param capacity the rows of a batch
   */
  public void ensure(int capacity) {
    if (capacity > kept.length) {
      kept = Arrays.copyOf(kept, capacity);
    }
  }

  /** Starts a batch: the arena is written from its start again. */
  public void clear() {
    used = 0;
  }

  /**
   * Returns the row kept in {@code slot}; {@code rowsLeft} (this one included) sizes a new arena
   * for the rest of the batch in rows of this size, so that a batch of images does not grow it a
   * dozen times.
   *
   * @param row the row read, valid until the next one is read
   * @param slot the row's place in the batch
   * @param rowsLeft the rows the batch may still take, this one included
   * @return the row as kept, valid until the batch is cleared
   */
  public InternalRow keep(InternalRow row, int slot, int rowsLeft) {
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
      arena = takeArena.apply((int) Math.min(size, MAX_ARENA_BYTES));
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
    giveArena.accept(arena);
  }
}
