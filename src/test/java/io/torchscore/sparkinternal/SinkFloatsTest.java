package io.torchscore.sparkinternal;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.torchscore.tensor.ValueSink;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.unsafe.Platform;
import org.junit.jupiter.api.Test;

/**
 * A row's floats are copied in 16 KiB chunks, each handed to the sink's check as soon as it is
 * copied: the chunks cover the row once, in order, and every value arrives.
 */
class SinkFloatsTest {

  @Test
  void aWideRowIsCopiedAndCheckedChunkByChunk() {
    int width = 2 * SinkFloats.CHUNK + 7;
    float[] values = new float[width];
    for (int k = 0; k < width; k++) {
      values[k] = k * 0.5f;
    }
    Sink sink = new Sink(width);
    assertThat(SinkFloats.copy(values, Platform.FLOAT_ARRAY_OFFSET, width, sink)).isTrue();
    float[] copied = new float[width];
    sink.floats.get(0, copied);
    assertThat(copied).containsExactly(values);
    assertThat(sink.checked).containsExactly(List.of(0, 4096), List.of(4096, 4096), List.of(8192, 7));
  }

  /** Keeps the floats in native memory and the chunks it was asked to check. */
  private static final class Sink implements ValueSink {
    private final ByteBuffer bytes;
    private final FloatBuffer floats;
    private final List<List<Integer>> checked = new ArrayList<>();

    Sink(int width) {
      bytes = ByteBuffer.allocateDirect(width * Float.BYTES).order(ByteOrder.nativeOrder());
      floats = bytes.asFloatBuffer();
    }

    @Override
    public void putFloat(int i, float value) {
      floats.put(i, value);
    }

    @Override
    public void putDouble(int i, double value) {
      floats.put(i, (float) value);
    }

    @Override
    public void putLong(int i, long value) {
      floats.put(i, value);
    }

    @Override
    public void putFloats(int i, float[] values) {
      floats.put(i, values);
    }

    @Override
    public long floatsAddress(int i) {
      return Pointer.nativeValue(Native.getDirectBufferPointer(bytes)) + (long) i * Float.BYTES;
    }

    @Override
    public void wroteFloats(int i, int count) {
      checked.add(List.of(i, count));
    }
  }
}
