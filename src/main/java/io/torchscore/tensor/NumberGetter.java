package io.torchscore.tensor;

import java.io.Serializable;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;

/**
 * Reads one numeric value of a known Spark type from a row or an array, without boxing.
 */
public final class NumberGetter implements Serializable {

  private static final long serialVersionUID = 1L;

  /** The numeric types. */
  public enum Kind {
    BYTE,
    SHORT,
    INT,
    LONG,
    FLOAT,
    DOUBLE,
    DECIMAL
  }

  private final Kind kind;
  private final int precision;
  private final int scale;

  NumberGetter(DataType type) {
    if (type instanceof DecimalType decimal) {
      kind = Kind.DECIMAL;
      precision = decimal.precision();
      scale = decimal.scale();
      return;
    }
    precision = 0;
    scale = 0;
    if (type instanceof ByteType) {
      kind = Kind.BYTE;
    } else if (type instanceof ShortType) {
      kind = Kind.SHORT;
    } else if (type instanceof IntegerType) {
      kind = Kind.INT;
    } else if (type instanceof LongType) {
      kind = Kind.LONG;
    } else if (type instanceof FloatType) {
      kind = Kind.FLOAT;
    } else if (type instanceof DoubleType) {
      kind = Kind.DOUBLE;
    } else {
      throw new IllegalArgumentException("Not a numeric type: " + type);
    }
  }

  /**
   * Returns the values' type.
   *
   * @return the type
   */
  public Kind kind() {
    return kind;
  }

  /**
   * Returns a decimal type's precision.
   *
   * @return the precision, or 0 for other types
   */
  public int precision() {
    return precision;
  }

  /**
   * Returns a decimal type's scale.
   *
   * @return the scale, or 0 for other types
   */
  public int scale() {
    return scale;
  }

  /** Returns whether the values are floats, which an array can copy in bulk. */
  boolean isFloat() {
    return kind == Kind.FLOAT;
  }

  /** Writes value {@code ordinal} of {@code from} to the sink at {@code i}. */
  void copy(IndexedValues from, int ordinal, ValueSink sink, int i) {
    switch (kind) {
      case BYTE -> sink.putLong(i, from.getByte(ordinal));
      case SHORT -> sink.putLong(i, from.getShort(ordinal));
      case INT -> sink.putLong(i, from.getInt(ordinal));
      case LONG -> sink.putLong(i, from.getLong(ordinal));
      case FLOAT -> sink.putFloat(i, from.getFloat(ordinal));
      case DOUBLE -> sink.putDouble(i, from.getDouble(ordinal));
      default -> sink.putDouble(i, from.getDecimalAsDouble(ordinal, precision, scale));
    }
  }
}
