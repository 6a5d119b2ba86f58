package io.torchscore.sparkinternal;

import io.torchscore.tensor.OutputValues;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Prediction values in Spark's internal format: arrays of primitives as {@code UnsafeArrayData}
 * (one copy of the values, no boxing), strings as {@code UTF8String}, structs and arrays of
 * structs as Spark's generic rows and arrays.
 */
public final class SparkOutputValues implements OutputValues {

  @Override
  public Object floats(float[] values, int from, int count) {
    return UnsafeArrayData.fromPrimitiveArray(
        values, Platform.FLOAT_ARRAY_OFFSET + from * Float.BYTES, count, Float.BYTES);
  }

  @Override
  public Object longs(long[] values, int from, int count) {
    return UnsafeArrayData.fromPrimitiveArray(
        values, Platform.LONG_ARRAY_OFFSET + from * Long.BYTES, count, Long.BYTES);
  }

  @Override
  public Object string(String value) {
    return UTF8String.fromString(value);
  }

  @Override
  public Object struct(Object[] fields) {
    return new GenericInternalRow(fields);
  }

  @Override
  public Object array(Object[] elements) {
    return new GenericArrayData(elements);
  }
}
