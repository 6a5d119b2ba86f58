package io.torchscore.tensor;

/** The prediction columns of a row being emitted, as {@link BatchPredictions} writes them. */
public interface OutputRow {

  /**
   * Sets column {@code i} to an int.
   *
   * @param i the column
   * @param value the value
   */
  void setInt(int i, int value);

  /**
   * Sets column {@code i} to a long.
   *
   * @param i the column
   * @param value the value
   */
  void setLong(int i, long value);

  /**
   * Sets column {@code i} to a float.
   *
   * @param i the column
   * @param value the value
   */
  void setFloat(int i, float value);

  /**
   * Sets column {@code i} to a value that {@link OutputValues} made.
   *
   * @param i the column
   * @param value the value
   */
  void set(int i, Object value);
}
