package io.torchscore.sparkinternal;

import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.SpecializedGetters;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.execution.vectorized.WritableColumnVector;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructType;

/**
 * Writes a scored row's prediction values into column vectors, by Spark type: the types a model's
 * outputs take (numbers, strings, arrays of them, structs of them: the top-k entries and named
 * outputs).
 */
final class VectorWriter {

  private VectorWriter() {}

  /** Returns whether values of this type can be written. */
  static boolean writes(DataType type) {
    if (type instanceof ArrayType array) {
      return writes(array.elementType());
    }
    if (type instanceof StructType struct) {
      for (var field : struct.fields()) {
        if (!writes(field.dataType())) {
          return false;
        }
      }
      return true;
    }
    return type instanceof BooleanType
        || type instanceof IntegerType
        || type instanceof LongType
        || type instanceof FloatType
        || type instanceof DoubleType
        || type instanceof StringType;
  }

  /** Writes value {@code ordinal} of {@code source} (of {@code type}) at {@code rowId} of {@code vector}. */
  static void write(WritableColumnVector vector, int rowId, SpecializedGetters source, int ordinal, DataType type) {
    if (source.isNullAt(ordinal)) {
      vector.putNull(rowId);
      return;
    }
    vector.putNotNull(rowId);
    if (type instanceof FloatType) {
      vector.putFloat(rowId, source.getFloat(ordinal));
    } else if (type instanceof IntegerType) {
      vector.putInt(rowId, source.getInt(ordinal));
    } else if (type instanceof LongType) {
      vector.putLong(rowId, source.getLong(ordinal));
    } else if (type instanceof DoubleType) {
      vector.putDouble(rowId, source.getDouble(ordinal));
    } else if (type instanceof BooleanType) {
      vector.putBoolean(rowId, source.getBoolean(ordinal));
    } else if (type instanceof StringType) {
      vector.putByteArray(rowId, source.getUTF8String(ordinal).getBytes());
    } else if (type instanceof ArrayType array) {
      ArrayData values = source.getArray(ordinal);
      int n = values.numElements();
      WritableColumnVector elements = vector.arrayData();
      int offset = elements.getElementsAppended();
      elements.reserve(offset + n);
      for (int i = 0; i < n; i++) {
        write(elements, offset + i, values, i, array.elementType());
      }
      elements.addElementsAppended(n);
      vector.putArray(rowId, offset, n);
    } else if (type instanceof StructType struct) {
      InternalRow fields = source.getStruct(ordinal, struct.size());
      for (int i = 0; i < struct.size(); i++) {
        WritableColumnVector child = (WritableColumnVector) vector.getChild(i);
        child.reserve(rowId + 1);
        write(child, rowId, fields, i, struct.fields()[i].dataType());
      }
    } else {
      throw new IllegalStateException("Cannot write a prediction of type " + type.simpleString() + " into a column vector");
    }
  }
}
