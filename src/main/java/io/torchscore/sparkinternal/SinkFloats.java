package io.torchscore.sparkinternal;

import io.torchscore.tensor.ValueSink;
import org.apache.spark.unsafe.Platform;

/**
 * Copies floats from where Spark holds them into a value sink's native memory, in one copy,
 * checked in chunks of {@link ValueSink#FLOATS_CHUNK}.
 */
final class SinkFloats {

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
    for (int from = 0; from < count; from += ValueSink.FLOATS_CHUNK) {
      int n = Math.min(ValueSink.FLOATS_CHUNK, count - from);
      long bytes = (long) from * Float.BYTES;
      Platform.copyMemory(base, offset + bytes, null, to + bytes, (long) n * Float.BYTES);
      sink.wroteFloats(from, n);
    }
    return true;
  }
}
