package io.torchscore.tensor;

import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.vectorized.ColumnarArray;
import org.apache.spark.unsafe.Platform;

/** Reads a numeric array column of a fixed length. */
final class ArrayReader implements FeatureReader {

  private static final long serialVersionUID = 1L;

  private final int index;
  private final String column;
  private final int width;
  private final NumberGetter element;

  ArrayReader(int index, String column, int width, NumberGetter element) {
    this.index = index;
    this.column = column;
    this.width = width;
    this.element = element;
  }

  @Override
  public RowError read(InternalRow row, ValueSink sink) {
    if (row.isNullAt(index)) {
      return new RowError(ErrorReason.NULL_FEATURES, column, "is null");
    }
    ArrayData values = row.getArray(index);
    if (values.numElements() != width) {
      return new RowError(
          ErrorReason.WRONG_SHAPE,
          column,
          "has " + values.numElements() + " values; the model input takes " + width);
    }
    if (element.isFloat() && values instanceof UnsafeArrayData unsafe && !hasNull(unsafe)) {
      // An image is 150,528 floats: one copy from Spark's memory into the batch, no array between.
      sink.putFloats(
          0, unsafe.getBaseObject(), unsafe.getBaseOffset() + UnsafeArrayData.calculateHeaderPortionInBytes(width), width);
      return null;
    }
    if (element.isFloat() && values instanceof ColumnarArray columnar && ColumnarFloats.copy(columnar, width, sink)) {
      return null; // from the column vector's memory into the batch, in one copy
    }
    for (int i = 0; i < width; i++) {
      if (values.isNullAt(i)) {
        return new RowError(ErrorReason.NULL_ELEMENT, column, "has a null at index " + i);
      }
      element.copy(values, i, sink, i);
    }
    return null;
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
}
