package io.torchscore.tensor;

/** Where a feature reader writes one row's values, converted to the input tensor's type. */
public interface ValueSink {

  /**
   * The most floats to copy before {@link #wroteFloats} checks them: 16 KiB, which the check reads
   * back from the CPU's first-level cache. A whole 224 x 224 image (588 KiB) copied first is
   * checked from memory, which took a fifth more time on this project's 2-core machine.
   */
  int FLOATS_CHUNK = 4096;

  /**
   * Writes value {@code i} of the row from a float.
   *
   * @param i the value's index in the row
   * @param value the value
   */
  void putFloat(int i, float value);

  /**
   * Writes value {@code i} of the row from a double.
   *
   * @param i the value's index in the row
   * @param value the value
   */
  void putDouble(int i, double value);

  /**
   * Writes value {@code i} of the row from an integer.
   *
   * @param i the value's index in the row
   * @param value the value
   */
  void putLong(int i, long value);

  /**
   * Writes values {@code i} onwards of the row from floats, in bulk.
   *
   * @param i the first value's index in the row
   * @param values the values
   */
  void putFloats(int i, float[] values);

  /**
   * Returns the native address where value {@code i} of the row goes, for a bulk copy of floats
   * in native byte order that {@link #wroteFloats} then completes; or -1 when the sink does not
   * hold float32 values (they are then written one by one).
   *
   * @param i the value's index in the row
   * @return the address, or -1
   */
  long floatsAddress(int i);

  /**
   * Completes a bulk copy of {@code count} floats to {@link #floatsAddress}{@code (i)}: the values
   * are checked as the single puts check them.
   *
   * @param i the first value's index in the row
   * @param count the floats copied
   */
  void wroteFloats(int i, int count);
}
