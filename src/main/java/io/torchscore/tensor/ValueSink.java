package io.torchscore.tensor;

/** Where a feature reader writes one row's values, in the input tensor's type. */
interface ValueSink {

  /** Writes value {@code i} of the row. */
  void put(int i, Number value);

  /** Writes value {@code i} of the row from a float. */
  void putFloat(int i, float value);
}
