package io.torchscore.tensor;

/**
 * Makes prediction values in the engine's row format, for {@link BatchPredictions} to write into
 * an {@link OutputRow} (see {@code io.torchscore.sparkinternal.SparkOutputValues}).
 */
public interface OutputValues {

  /**
   * Returns an array value of {@code count} floats of {@code values} from {@code from}, copied.
   *
   * @param values the floats
   * @param from the first one's index
   * @param count how many
   * @return the array value
   */
  Object floats(float[] values, int from, int count);

  /**
   * Returns an array value of {@code count} longs of {@code values} from {@code from}, copied.
   *
   * @param values the longs
   * @param from the first one's index
   * @param count how many
   * @return the array value
   */
  Object longs(long[] values, int from, int count);

  /**
   * Returns a string value.
   *
   * @param value the string
   * @return the string value
   */
  Object string(String value);

  /**
   * Returns a struct value of fields already in the engine's format (boxed primitives, or values
   * this made).
   *
   * @param fields the fields' values
   * @return the struct value
   */
  Object struct(Object[] fields);

  /**
   * Returns an array value of elements already in the engine's format.
   *
   * @param elements the elements
   * @return the array value
   */
  Object array(Object[] elements);
}
