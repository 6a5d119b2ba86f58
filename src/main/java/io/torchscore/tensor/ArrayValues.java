package io.torchscore.tensor;

/** One array's elements as the feature readers read them. */
public interface ArrayValues extends IndexedValues {

  /**
   * Returns the array's length.
   *
   * @return the number of elements
   */
  int size();

  /**
   * Copies the array's elements, floats, to values {@code 0 .. size()-1} of the sink in one bulk
   * copy where the array's memory allows it and the sink holds floats; otherwise copies nothing.
   *
   * @param sink where the row's values go
   * @return whether the elements were copied; if not, they are to be read one by one
   */
  boolean copyFloats(ValueSink sink);

  /**
   * Writes the array's elements, numbers of the getter's type, to values {@code 0 .. size()-1} of
   * the sink, stopping at the first null.
   *
   * @param type the elements' type
   * @param sink where the row's values go
   * @return the index of the first null element, or -1 when all were written
   */
  int copyNumbers(NumberGetter type, ValueSink sink);
}
