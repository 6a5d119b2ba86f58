package io.torchscore.tensor;

/** Reads a numeric array column of a fixed length. */
final class ArrayReader implements FeatureReader {

  private static final long serialVersionUID = 1L;

  private final int index;
  private final String column;
  private final int width;
  private final NumberGetter element;

  ArrayReader(int index, String column, int width, NumberGetter element) {
    this.index = index;
    this.column = column;
    this.width = width;
    this.element = element;
  }

  @Override
  public RowError read(RowValues row, ValueSink sink) {
    if (row.isNullAt(index)) {
      return new RowError(ErrorReason.NULL_FEATURES, column, "is null");
    }
    ArrayValues values = row.getArray(index);
    if (values.size() != width) {
      return new RowError(
          ErrorReason.WRONG_SHAPE,
          column,
          "has " + values.size() + " values; the model input takes " + width);
    }
    if (element.isFloat() && values.copyFloats(sink)) {
      return null; // an image is 150,528 floats: one copy into the batch, no array between
    }
    int firstNull = values.copyNumbers(element, sink);
    return firstNull < 0 ? null : new RowError(ErrorReason.NULL_ELEMENT, column, "has a null at index " + firstNull);
  }
}
