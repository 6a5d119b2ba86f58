package io.torchscore.sparkinternal;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.spark.sql.execution.vectorized.OffHeapColumnVector;
import org.apache.spark.sql.execution.vectorized.OnHeapColumnVector;
import org.apache.spark.sql.execution.vectorized.WritableColumnVector;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.vectorized.ColumnarArray;
import org.junit.jupiter.api.Test;

/**
 * A float array of a columnar batch is copied in one piece from its vector's heap array or native
 * memory, starting at its own offset; arrays with a null, or dictionary codes, are left to the
 * value-by-value read.
 */
class ColumnarFloatsTest {

  private static final int WIDTH = 3;

  /** Three arrays of three floats: row r holds 10r, 10r + 1, 10r + 2. */
  private static WritableColumnVector arrays(WritableColumnVector column) {
    WritableColumnVector elements = column.arrayData();
    elements.reserve(3 * WIDTH);
    for (int row = 0; row < 3; row++) {
      for (int k = 0; k < WIDTH; k++) {
        elements.putFloat(row * WIDTH + k, 10f * row + k);
      }
      column.putArray(row, row * WIDTH, WIDTH);
    }
    return column;
  }

  private static float[] copied(ColumnarArray array) {
    NativeFloatSink sink = new NativeFloatSink(WIDTH);
    assertThat(ColumnarFloats.copy(array, WIDTH, sink)).isTrue();
    float[] values = new float[WIDTH];
    sink.floats.get(0, values);
    return values;
  }

  @Test
  void aHeapVectorsArrayIsCopiedFromItsOffset() {
    try (WritableColumnVector column = arrays(new OnHeapColumnVector(3, DataTypes.createArrayType(DataTypes.FloatType)))) {
      assertThat(copied(column.getArray(2))).containsExactly(20f, 21f, 22f);
      assertThat(copied(column.getArray(0))).containsExactly(0f, 1f, 2f);
    }
  }

  @Test
  void anOffHeapVectorsArrayIsCopiedFromItsNativeMemory() {
    try (WritableColumnVector column = arrays(new OffHeapColumnVector(3, DataTypes.createArrayType(DataTypes.FloatType)))) {
      assertThat(copied(column.getArray(1))).containsExactly(10f, 11f, 12f);
    }
  }

  @Test
  void nullElementsAreLeftToTheValueByValueRead() {
    try (WritableColumnVector column = arrays(new OnHeapColumnVector(3, DataTypes.createArrayType(DataTypes.FloatType)))) {
      column.arrayData().putNull(4);
      assertThat(ColumnarFloats.copy(column.getArray(0), WIDTH, new NativeFloatSink(WIDTH))).isFalse();
    }
  }
}
