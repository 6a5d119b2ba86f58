package io.torchscore.sparkinternal;

import org.apache.spark.sql.types.Decimal;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarArray;
import org.apache.spark.sql.vectorized.ColumnarMap;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * A struct column made of other column vectors, none of them copied: a columnar batch's columns
 * in the order scoring reads them, or a scored batch's carried columns beside its predictions.
 * Its rows ({@link #getStruct}) are views, one object per row. It owns none of its children.
 */
final class VectorStruct extends ColumnVector {

  private final ColumnVector[] children;

  VectorStruct(StructType type, ColumnVector[] children) {
    super(type);
    this.children = children;
  }

  @Override
  public ColumnVector getChild(int ordinal) {
    return children[ordinal];
  }

  @Override
  public void close() {
    // The children belong to the input batch or to the scoring step.
  }

  @Override
  public boolean hasNull() {
    return false;
  }

  @Override
  public int numNulls() {
    return 0;
  }

  @Override
  public boolean isNullAt(int rowId) {
    return false;
  }

  @Override
  public boolean getBoolean(int rowId) {
    throw notScalar();
  }

  @Override
  public byte getByte(int rowId) {
    throw notScalar();
  }

  @Override
  public short getShort(int rowId) {
    throw notScalar();
  }

  @Override
  public int getInt(int rowId) {
    throw notScalar();
  }

  @Override
  public long getLong(int rowId) {
    throw notScalar();
  }

  @Override
  public float getFloat(int rowId) {
    throw notScalar();
  }

  @Override
  public double getDouble(int rowId) {
    throw notScalar();
  }

  @Override
  public ColumnarArray getArray(int rowId) {
    throw notScalar();
  }

  @Override
  public ColumnarMap getMap(int ordinal) {
    throw notScalar();
  }

  @Override
  public Decimal getDecimal(int rowId, int precision, int scale) {
    throw notScalar();
  }

  @Override
  public UTF8String getUTF8String(int rowId) {
    throw notScalar();
  }

  @Override
  public byte[] getBinary(int rowId) {
    throw notScalar();
  }

  private static UnsupportedOperationException notScalar() {
    return new UnsupportedOperationException("A struct of column vectors is read through getStruct and getChild");
  }
}
