package io.torchscore.sparkinternal;

import io.torchscore.tensor.ValueSink;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.apache.spark.sql.execution.vectorized.OffHeapColumnVector;
import org.apache.spark.sql.execution.vectorized.OnHeapColumnVector;
import org.apache.spark.sql.execution.vectorized.WritableColumnVector;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarArray;
import org.apache.spark.unsafe.Platform;

/**
 * Copies a float array of a columnar batch into a batch's buffer in one copy, from where Spark's
 * column vector holds the elements: its heap array or its native memory. An array is a run of
 * its column's element vector (Spark's {@code ColumnarArray}: the vector, an offset and a length);
 * the vector's fields are read once per array through var handles.
 */
final class ColumnarFloats {

  private static final VarHandle DATA;
  private static final VarHandle OFFSET;
  private static final VarHandle FLOATS;

  static {
    VarHandle data = null;
    VarHandle offset = null;
    VarHandle floats = null;
    try {
      MethodHandles.Lookup array = MethodHandles.privateLookupIn(ColumnarArray.class, MethodHandles.lookup());
      data = array.findVarHandle(ColumnarArray.class, "data", ColumnVector.class);
      offset = array.findVarHandle(ColumnarArray.class, "offset", int.class);
      floats =
          MethodHandles.privateLookupIn(OnHeapColumnVector.class, MethodHandles.lookup())
              .findVarHandle(OnHeapColumnVector.class, "floatData", float[].class);
    } catch (ReflectiveOperationException | RuntimeException e) {
      // Another Spark's layout: arrays are then read value by value.
      data = null;
    }
    DATA = data;
    OFFSET = offset;
    FLOATS = floats;
  }

  private ColumnarFloats() {}

  /**
   * Copies the array's {@code width} floats to the sink in bulk, when its vector holds them as
   * floats (not dictionary codes) with no null among them and the sink holds floats; returns
   * false (nothing copied) otherwise.
   */
  static boolean copy(ColumnarArray values, int width, ValueSink sink) {
    if (DATA == null) {
      return false;
    }
    ColumnVector vector = (ColumnVector) DATA.get(values);
    // Dictionary-encoded values (Parquet's, for repeated values) are decoded one by one.
    if (vector.hasNull() || !(vector instanceof WritableColumnVector writable) || writable.hasDictionary()) {
      return false;
    }
    long start = (long) (int) OFFSET.get(values) * Float.BYTES;
    if (vector instanceof OnHeapColumnVector) {
      float[] floats = (float[]) FLOATS.get(vector);
      return floats != null && SinkFloats.copy(floats, Platform.FLOAT_ARRAY_OFFSET + start, width, sink);
    }
    if (vector instanceof OffHeapColumnVector offHeap) {
      return SinkFloats.copy(null, offHeap.valuesNativeAddress() + start, width, sink);
    }
    return false;
  }
}
