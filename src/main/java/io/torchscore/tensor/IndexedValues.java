package io.torchscore.tensor;

/**
 * Values addressed by index, a row's columns or an array's elements, read without boxing: the
 * part of the engine's row and array formats that the feature readers use.
 */
public interface IndexedValues {

  /**
   * Returns whether value {@code i} is null.
   *
   * @param i the index
   * @return whether it is null
   */
  boolean isNullAt(int i);

  /**
   * Returns value {@code i} as a byte.
   *
   * @param i the index
   * @return the value
   */
  byte getByte(int i);

  /**
   * Returns value {@code i} as a short.
   *
   * @param i the index
   * @return the value
   */
  short getShort(int i);

  /**
   * Returns value {@code i} as an int.
   *
   * @param i the index
   * @return the value
   */
  int getInt(int i);

  /**
   * Returns value {@code i} as a long.
   *
   * @param i the index
   * @return the value
   */
  long getLong(int i);

  /**
   * Returns value {@code i} as a float.
   *
   * @param i the index
   * @return the value
   */
  float getFloat(int i);

  /**
   * Returns value {@code i} as a double.
   *
   * @param i the index
   * @return the value
   */
  double getDouble(int i);

  /**
   * Returns value {@code i}, a decimal of the given precision and scale, as a double.
   *
   * @param i the index
   * @param precision the decimal's precision
   * @param scale the decimal's scale
   * @return the value
   */
  double getDecimalAsDouble(int i, int precision, int scale);
}
