package io.torchscore.tensor;

import java.lang.ref.SoftReference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The direct buffers batches are encoded into, kept for the next partitions of this JVM. A batch
 * of 64 images is a 38 MB buffer: a new one per partition is zeroed and faulted in page by page
 * (120 ms on the project's 2-core VM), and on a GPU page-locked again. A partition gives its
 * buffers back when it ends; the next one, on any thread, takes the smallest that fits (a buffer
 * is private to its partition's encoder, so no row or tensor of the last one still reads it).
 *
 * <p>At most two buffers per processor are kept (a running task's two batches), the latest given
 * back. Pageable buffers are held softly. Pinned ones are held strongly and unpinned before they
 * are dropped, since freeing page-locked memory would leave CUDA's registration behind.
 */
final class DirectBuffers {

  private static final int KEPT = 2 * Runtime.getRuntime().availableProcessors();

  private static final List<Kept> FREE = new ArrayList<>();

  /** A buffer lent to an encoder, and whether it is page-locked. */
  record Lent(ByteBuffer bytes, boolean pinned) {}

  private record Kept(ByteBuffer pinned, SoftReference<ByteBuffer> pageable) {

    Lent lend() {
      return pinned != null ? new Lent(pinned, true) : new Lent(pageable.get(), false);
    }

    boolean cleared() {
      return pinned == null && pageable.get() == null;
    }
  }

  private DirectBuffers() {}

  /**
   * Lends a native-order direct buffer of at least {@code bytes}: the smallest kept one that fits,
   * else a new one.
   *
   * @param bytes the least capacity
   * @return the buffer, its content undefined
   */
  static Lent take(int bytes) {
    synchronized (FREE) {
      FREE.removeIf(Kept::cleared);
      Kept best = null;
      Lent bestLent = null;
      for (Kept kept : FREE) {
        Lent lent = kept.lend();
        if (lent.bytes() != null
            && lent.bytes().capacity() >= bytes
            && (bestLent == null || lent.bytes().capacity() < bestLent.bytes().capacity())) {
          best = kept;
          bestLent = lent;
        }
      }
      if (best != null) {
        FREE.remove(best);
        return bestLent;
      }
    }
    return new Lent(ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder()), false);
  }

  /**
   * Takes a buffer back once its encoder is done with it; when enough are kept, the one kept
   * longest is dropped (unpinned) to make room.
   *
   * @param lent the buffer, as now pinned or not
   */
  static void give(Lent lent) {
    Kept dropped = null;
    synchronized (FREE) {
      FREE.removeIf(Kept::cleared);
      if (FREE.size() >= KEPT) {
        dropped = FREE.remove(0);
      }
      FREE.add(lent.pinned() ? new Kept(lent.bytes(), null) : new Kept(null, new SoftReference<>(lent.bytes())));
    }
    if (dropped != null && dropped.pinned() != null) {
      PinnedMemory.unpin(dropped.pinned());
    }
  }
}
