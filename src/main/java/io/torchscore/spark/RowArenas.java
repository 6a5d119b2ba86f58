package io.torchscore.spark;

import java.lang.ref.SoftReference;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * The byte arrays that batches keep their input rows in, reused by the next partitions the same
 * thread scores. A batch of 64 images is 38 MB of rows: a fresh array per partition costs the
 * heap a large allocation each time (zeroed, and while the heap grows, faulted in page by page).
 * An array is reused only by the thread that gave it back, once its partition has ended, so no
 * row still read elsewhere can point into it; the arrays are held softly, so the garbage
 * collector takes them back when memory runs short.
 */
final class RowArenas {

  // A partition uses at most two at a time (prefetch alternates two batches).
  private static final int KEPT = 2;

  private static final ThreadLocal<ArrayDeque<SoftReference<byte[]>>> FREE = ThreadLocal.withInitial(ArrayDeque::new);

  private RowArenas() {}

  /**
   * Returns an array of at least {@code bytes}: one this thread gave back, else a new one.
   *
   * @param bytes the least length
   * @return the array, its content undefined
   */
  static byte[] take(int bytes) {
    for (Iterator<SoftReference<byte[]>> free = FREE.get().iterator(); free.hasNext(); ) {
      byte[] arena = free.next().get();
      if (arena == null) {
        free.remove();
      } else if (arena.length >= bytes) {
        free.remove();
        return arena;
      }
    }
    return new byte[bytes];
  }

  /**
   * Gives an array back for this thread's next partitions; call when no row points into it.
   *
   * @param arena the array
   */
  static void give(byte[] arena) {
    if (arena.length == 0) {
      return;
    }
    ArrayDeque<SoftReference<byte[]>> free = FREE.get();
    free.addFirst(new SoftReference<>(arena));
    while (free.size() > KEPT) {
      free.removeLast();
    }
  }
}
