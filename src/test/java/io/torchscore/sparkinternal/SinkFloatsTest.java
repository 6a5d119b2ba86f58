package io.torchscore.sparkinternal;

import static org.assertj.core.api.Assertions.assertThat;

import io.torchscore.tensor.ValueSink;
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
    int width = 2 * ValueSink.FLOATS_CHUNK + 7;
    float[] values = new float[width];
    for (int k = 0; k < width; k++) {
      values[k] = k * 0.5f;
    }
    NativeFloatSink sink = new NativeFloatSink(width);
    assertThat(SinkFloats.copy(values, Platform.FLOAT_ARRAY_OFFSET, width, sink)).isTrue();
    float[] copied = new float[width];
    sink.floats.get(0, copied);
    assertThat(copied).containsExactly(values);
    assertThat(sink.checked).containsExactly(List.of(0, 4096), List.of(4096, 4096), List.of(8192, 7));
  }
}
