package io.torchscore.tensor;

/**
 * One row's columns as the feature readers read them; the engine's rows are read through an
 * adapter of this interface (see {@code io.torchscore.sparkinternal.InternalRowValues}).
 */
public interface RowValues extends IndexedValues {

  /**
   * Returns column {@code i}, a string, as a Java string.
   *
   * @param i the column
   * @return the string
   */
  String getString(int i);

  /**
   * Returns column {@code i}, a binary value, as its bytes.
   *
   * @param i the column
   * @return the bytes
   */
  byte[] getBinary(int i);

  /**
   * Returns column {@code i}, an array; the view returned is valid until the next call for the
   * same column, or until this row is moved on.
   *
   * @param i the column
   * @return the array
   */
  ArrayValues getArray(int i);

  /**
   * Returns column {@code i}, a struct of {@code fields} fields; the view returned is valid until
   * the next call for the same column, or until this row is moved on.
   *
   * @param i the column
   * @param fields the struct's fields
   * @return the struct
   */
  RowValues getStruct(int i, int fields);
}
