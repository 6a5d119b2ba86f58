package io.torchscore.sparkinternal;

import java.io.Serializable;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.catalyst.util.MapData;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.UserDefinedType;

/**
 * The most bytes of input rows one batch holds on the heap, and a cheap estimate of a row's
 * bytes: an {@link UnsafeRow}'s own size, else its strings' and binaries' lengths plus a fixed
 * cost per value (Spark's generic rows box each value). Arrays of fixed-width values are sized
 * from their length, without reading them.
 */
public final class BatchBytes implements Serializable {

  private static final long serialVersionUID = 1L;

  // A boxed value or an object header with a reference to it, on a 64-bit JVM.
  private static final long VALUE = 16;

  private final StructType schema;
  private final long max;

  /**
   * Creates the bound.
   *
   * @param schema the input rows' schema
   * @param max the most bytes of rows a batch holds ({@code spark.torchscore.batch.rows.max.bytes})
   */
  public BatchBytes(StructType schema, long max) {
    this.schema = schema;
    this.max = max;
  }

  /**
   * Returns whether a row of {@code bytes} joins a batch already holding {@code held}: a first row always does.
   *
   * @param held the bytes of the batch's rows so far
   * @param bytes the row's bytes
   * @return whether the row joins the batch
   */
  public boolean fits(long held, long bytes) {
    return held == 0 || held + bytes <= max;
  }

  /**
   * Returns the most bytes of rows a batch holds (its first row aside).
   *
   * @return the bytes
   */
  public long max() {
    return max;
  }

  /**
   * Returns the estimated heap bytes of a row of the schema.
   *
   * @param row the row
   * @return the bytes
   */
  public long of(InternalRow row) {
    if (row instanceof UnsafeRow unsafe) {
      return unsafe.getSizeInBytes();
    }
    return struct(row, schema);
  }

  private static long struct(InternalRow row, StructType type) {
    long bytes = VALUE + Long.BYTES * (long) type.size();
    for (int i = 0; i < type.size(); i++) {
      if (!row.isNullAt(i)) {
        DataType stored = stored(type.fields()[i].dataType());
        // A number's size does not depend on its value: it is not read (a view of a vector would box it).
        bytes += isNested(stored) ? value(row.get(i, stored), stored) : VALUE;
      }
    }
    return bytes;
  }

  private static long value(Object value, DataType type) {
    if (type instanceof UserDefinedType<?> udt) {
      return value(value, udt.sqlType());
    }
    if (type instanceof StringType) {
      return VALUE + VALUE + ((org.apache.spark.unsafe.types.UTF8String) value).numBytes();
    }
    if (type instanceof BinaryType) {
      return VALUE + ((byte[]) value).length;
    }
    if (type instanceof StructType struct) {
      return struct((InternalRow) value, struct);
    }
    if (type instanceof ArrayType array) {
      return array((ArrayData) value, array.elementType());
    }
    if (type instanceof MapType map) {
      MapData data = (MapData) value;
      return VALUE + array(data.keyArray(), map.keyType()) + array(data.valueArray(), map.valueType());
    }
    return VALUE;
  }

  private static long array(ArrayData array, DataType element) {
    if (array instanceof UnsafeArrayData unsafe) {
      return VALUE + unsafe.getSizeInBytes();
    }
    int n = array.numElements();
    long bytes = VALUE + Long.BYTES * (long) n;
    if (!isNested(element)) {
      return bytes + VALUE * n;
    }
    DataType stored = stored(element);
    for (int i = 0; i < n; i++) {
      if (!array.isNullAt(i)) {
        bytes += value(array.get(i, stored), stored);
      }
    }
    return bytes;
  }

  /** The type a value of the type is stored as in a row: a UDT's SQL type (a view of a column vector reads only those). */
  private static DataType stored(DataType type) {
    return type instanceof UserDefinedType<?> udt ? stored(udt.sqlType()) : type;
  }

  private static boolean isNested(DataType type) {
    return type instanceof StringType
        || type instanceof BinaryType
        || type instanceof StructType
        || type instanceof ArrayType
        || type instanceof MapType
        || type instanceof UserDefinedType<?>;
  }
}
