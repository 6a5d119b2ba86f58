package io.torchscore.tensor;

/** Where a feature reader writes one row's values, converted to the input tensor's type. */
interface ValueSink {

  /** Writes value {@code i} of the row from a float. */
  void putFloat(int i, float value);

  /** Writes value {@code i} of the row from a double. */
  void putDouble(int i, double value);

  /** Writes value {@code i} of the row from an integer. */
  void putLong(int i, long value);

  /**
   * Writes values {@code i} onwards of the row, in bulk, from {@code count} floats in native byte
   * order at {@code offset} of {@code base} (Spark's {@code Platform} addressing: a heap array
   * and its byte offset, or null and an address).
   */
  void putFloats(int i, Object base, long offset, int count);
}
