package io.torchscore.sparkinternal;

import io.torchscore.tensor.ValueSink;
import org.apache.spark.unsafe.Platform;

/** Copies floats from where Spark holds them into a value sink's native memory, in one copy. */
final class SinkFloats {

  /**
   * The floats copied before the sink checks them: 16 KiB, which the check reads back from the
   * CPU's first-level cache. A whole 224 x 224 image (588 KiB) copied first is checked from
   * memory, which took a fifth more time on this project's 2-core machine.
   */
  static final int CHUNK = 4096;

  private SinkFloats() {}

  /**
   * Copies {@code count} floats at {@code offset} of {@code base} (Spark's {@code Platform}
   * addressing: a heap array and its byte offset, or null and an address) to the row's first
   * values; returns false (nothing copied) when the sink does not hold floats.
   */
  static boolean copy(Object base, long offset, int count, ValueSink sink) {
    long to = sink.floatsAddress(0);
    if (to < 0) {
      return false;
    }
    for (int from = 0; from < count; from += CHUNK) {
      int n = Math.min(CHUNK, count - from);
      long bytes = (long) from * Float.BYTES;
      Platform.copyMemory(base, offset + bytes, null, to + bytes, (long) n * Float.BYTES);
      sink.wroteFloats(from, n);
    }
    return true;
  }
}
