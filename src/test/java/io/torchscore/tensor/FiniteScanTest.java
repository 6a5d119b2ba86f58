package io.torchscore.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

/**
 * The two-floats-at-a-time scan of a copied float array ({@link FiniteScan}) agrees
 * with {@link Float#isFinite} on the edge values of IEEE 754 single precision, at every position
 * of the pair, and on an odd count's last float.
 */
class FiniteScanTest {

  private static final float[] FINITE = {
    0f, -0f, 1f, -1f, Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE, Float.MIN_NORMAL, 3.4e38f, 1e-45f
  };

  private static final float[] NON_FINITE = {
    Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.intBitsToFloat(0x7FC00001), Float.intBitsToFloat(0xFF800001)
  };

  @Test
  void finiteValuesPassWhateverTheirPositionAndCount() {
    for (int count = 1; count <= FINITE.length; count++) {
      float[] values = new float[count];
      System.arraycopy(FINITE, 0, values, 0, count);
      assertThat(scan(values)).as("count %s", count).isTrue();
    }
  }

  @Test
  void oneNonFiniteValueAnywhereIsFound() {
    for (float bad : NON_FINITE) {
      for (int count = 1; count <= 7; count++) {
        for (int at = 0; at < count; at++) {
          float[] values = new float[count];
          for (int k = 0; k < count; k++) {
            values[k] = FINITE[k % FINITE.length];
          }
          values[at] = bad;
          assertThat(scan(values)).as("%s at %s of %s", bad, at, count).isFalse();
        }
      }
    }
  }

  private static boolean scan(float[] values) {
    // In a buffer at an odd and at an even float offset, as a row's slot of a batch buffer can be,
    // between NaNs that the scan must not read.
    boolean[] found = new boolean[2];
    for (int offset = 1; offset <= 2; offset++) {
      ByteBuffer buffer = ByteBuffer.allocateDirect((values.length + 3) * Float.BYTES).order(ByteOrder.nativeOrder());
      FloatBuffer floats = buffer.asFloatBuffer();
      floats.put(Float.NaN);
      floats.put(offset == 2 ? Float.NaN : 0f);
      floats.put(offset, values).put(offset + values.length, Float.NaN);
      assertThat(buffer.getInt(offset * Float.BYTES)).isEqualTo(Float.floatToRawIntBits(values[0]));
      found[offset - 1] = new FiniteScan(buffer).allFinite(offset, values.length);
    }
    assertThat(found[0]).as("the scan at an odd and an even offset").isEqualTo(found[1]);
    return found[0];
  }
}
