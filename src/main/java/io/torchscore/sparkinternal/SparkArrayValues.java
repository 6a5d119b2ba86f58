package io.torchscore.sparkinternal;

import io.torchscore.tensor.ArrayValues;
import io.torchscore.tensor.NumberGetter;
import io.torchscore.tensor.ValueSink;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.vectorized.ColumnarArray;
import org.apache.spark.unsafe.Platform;

/**
 * A Spark array as the feature readers read it: a reusable view, pointed at the next array by
 * {@link #of}. Floats are copied in bulk from where Spark holds them: an {@code UnsafeArrayData}'s
 * bytes, or a column vector's memory ({@link ColumnarFloats}).
 */
final class SparkArrayValues implements ArrayValues {

  private ArrayData array;

  /** Points this view at {@code array}; returns this view. */
  SparkArrayValues of(ArrayData array) {
    this.array = array;
    return this;
  }

  @Override
  public int size() {
    return array.numElements();
  }

  @Override
  public boolean copyFloats(ValueSink sink) {
    int width = array.numElements();
    if (array instanceof UnsafeArrayData unsafe) {
      return !hasNull(unsafe)
          && SinkFloats.copy(
              unsafe.getBaseObject(),
              unsafe.getBaseOffset() + UnsafeArrayData.calculateHeaderPortionInBytes(width),
              width,
              sink);
    }
    return array instanceof ColumnarArray columnar && ColumnarFloats.copy(columnar, width, sink);
  }

  @Override
  public int copyNumbers(NumberGetter type, ValueSink sink) {
    ArrayData values = array;
    int size = values.numElements();
    switch (type.kind()) {
      case BYTE -> {
        for (int i = 0; i < size; i++) {
          if (values.isNullAt(i)) {
            return i;
          }
          sink.putLong(i, values.getByte(i));
        }
      }
      case SHORT -> {
        for (int i = 0; i < size; i++) {
          if (values.isNullAt(i)) {
            return i;
          }
          sink.putLong(i, values.getShort(i));
        }
      }
      case INT -> {
        for (int i = 0; i < size; i++) {
          if (values.isNullAt(i)) {
            return i;
          }
          sink.putLong(i, values.getInt(i));
        }
      }
      case LONG -> {
        for (int i = 0; i < size; i++) {
          if (values.isNullAt(i)) {
            return i;
          }
          sink.putLong(i, values.getLong(i));
        }
      }
      case FLOAT -> {
        for (int i = 0; i < size; i++) {
          if (values.isNullAt(i)) {
            return i;
          }
          sink.putFloat(i, values.getFloat(i));
        }
      }
      case DOUBLE -> {
        for (int i = 0; i < size; i++) {
          if (values.isNullAt(i)) {
            return i;
          }
          sink.putDouble(i, values.getDouble(i));
        }
      }
      case DECIMAL -> {
        for (int i = 0; i < size; i++) {
          if (values.isNullAt(i)) {
            return i;
          }
          sink.putDouble(i, values.getDecimal(i, type.precision(), type.scale()).toDouble());
        }
      }
    }
    return -1;
  }

  /** Reads the array's null bits a word at a time (Spark's UnsafeArrayData layout). */
  private static boolean hasNull(UnsafeArrayData array) {
    int words = (array.numElements() + 63) / 64;
    long bits = array.getBaseOffset() + Long.BYTES;
    for (int w = 0; w < words; w++) {
      if (Platform.getLong(array.getBaseObject(), bits + (long) w * Long.BYTES) != 0) {
        return true;
      }
    }
    return false;
  }

  @Override
  public boolean isNullAt(int i) {
    return array.isNullAt(i);
  }

  @Override
  public byte getByte(int i) {
    return array.getByte(i);
  }

  @Override
  public short getShort(int i) {
    return array.getShort(i);
  }

  @Override
  public int getInt(int i) {
    return array.getInt(i);
  }

  @Override
  public long getLong(int i) {
    return array.getLong(i);
  }

  @Override
  public float getFloat(int i) {
    return array.getFloat(i);
  }

  @Override
  public double getDouble(int i) {
    return array.getDouble(i);
  }

  @Override
  public double getDecimalAsDouble(int i, int precision, int scale) {
    return array.getDecimal(i, precision, scale).toDouble();
  }
}
