package io.torchscore.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.torchscore.model.EngineStarter;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A wide row's floats (more than one 16 KiB chunk) are written and checked chunk by chunk: every
 * value lands in its slot, and a non-finite value in a later chunk is counted and named at its
 * index in the row, not in its chunk.
 */
class InputBufferTest {

  private static final int WIDTH = 10_000;

  private static float[] row(int slot) {
    float[] values = new float[WIDTH];
    for (int k = 0; k < WIDTH; k++) {
      values[k] = slot * WIDTH + k;
    }
    return values;
  }

  private static InputBuffer buffer(float[] values, int slots) {
    FeatureReader reader =
        (row, sink) -> {
          sink.putFloats(0, values);
          return null;
        };
    return new InputBuffer(new InputSpec(List.of("features"), reader, false, new long[] {WIDTH}), slots);
  }

  @Test
  void aWideRowIsWrittenWholeIntoItsSlot() {
    float[] values = row(1);
    InputBuffer buffer = buffer(values, 2);
    try {
      assertThat(buffer.write(null, 1, true)).isNull();
      assertThat(buffer.rowNaN()).isZero();
      try (NDManager manager = EngineStarter.start().newBaseManager()) {
        assertThat(buffer.tensor(manager, 1, 2).toFloatArray()).containsExactly(values);
      }
    } finally {
      buffer.release();
    }
  }

  @Test
  void aNonFiniteValueInALaterChunkIsNamedAtItsIndexInTheRow() {
    float[] values = row(0);
    values[9_000] = Float.NaN;
    values[9_001] = Float.POSITIVE_INFINITY;
    values[5] = Float.NEGATIVE_INFINITY;
    InputBuffer buffer = buffer(values, 1);
    try {
      RowError error = buffer.write(null, 0, true);
      assertThat(error.reason()).isEqualTo(ErrorReason.NAN);
      assertThat(error.message()).contains("'features'").contains("-Infinity at index 5");
      assertThat(buffer.rowNaN()).isEqualTo(1);
      assertThat(buffer.rowInfinite()).isEqualTo(2);
      values[5] = 5;
      assertThat(buffer.write(null, 0, true).message()).contains("NaN at index 9000");
    } finally {
      buffer.release();
    }
  }
}
