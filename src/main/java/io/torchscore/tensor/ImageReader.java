package io.torchscore.tensor;

import io.torchscore.config.ImageSettings;

/** Reads a binary column of encoded JPEG or PNG bytes as a preprocessed image. */
final class ImageReader implements FeatureReader {

  private static final long serialVersionUID = 1L;

  // PIL's own bound (Image.MAX_IMAGE_PIXELS): beyond it a decode would allocate gigabytes.
  static final long MAX_PIXELS = 89_478_485L;

  private final int index;
  private final String column;
  private final ImageSettings settings;
  private transient ImagePreprocessor preprocessor;

  ImageReader(int index, String column, ImageSettings settings) {
    this.index = index;
    this.column = column;
    this.settings = settings;
  }

  @Override
  public RowError read(RowValues row, ValueSink sink) {
    if (row.isNullAt(index)) {
      return new RowError(ErrorReason.NULL_FEATURES, column, "is null");
    }
    if (preprocessor == null) {
      preprocessor = new ImagePreprocessor(settings);
    }
    byte[] bytes = row.getBinary(index);
    long pixels = ImagePreprocessor.declaredPixels(bytes);
    if (pixels > MAX_PIXELS) {
      return new RowError(
          ErrorReason.IMAGE_TOO_LARGE,
          column,
          "declares " + pixels + " pixels, more than " + MAX_PIXELS + "; it was not decoded");
    }
    float[] chw;
    try {
      chw = preprocessor.toChw(bytes);
    } catch (UndecodableImageException e) {
      return new RowError(ErrorReason.UNDECODABLE_IMAGE, column, "holds " + e.getMessage());
    }
    sink.putFloats(0, chw);
    return null;
  }
}
