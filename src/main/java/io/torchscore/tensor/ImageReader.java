package io.torchscore.tensor;

import io.torchscore.config.ImageSettings;
import org.apache.spark.sql.catalyst.InternalRow;

/** Reads a binary column of encoded JPEG or PNG bytes as a preprocessed image. */
final class ImageReader implements FeatureReader {

  private static final long serialVersionUID = 1L;

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
  public RowError read(InternalRow row, ValueSink sink) {
    if (row.isNullAt(index)) {
      return new RowError(ErrorReason.NULL_FEATURES, column, "is null");
    }
    if (preprocessor == null) {
      preprocessor = new ImagePreprocessor(settings);
    }
    byte[] bytes = row.getBinary(index);
    float[] chw = preprocessor.toChw(bytes);
    if (chw == null) {
      return new RowError(
          ErrorReason.UNDECODABLE_IMAGE, column, "holds " + bytes.length + " bytes that are not a JPEG or PNG image");
    }
    for (int i = 0; i < chw.length; i++) {
      sink.putFloat(i, chw[i]);
    }
    return null;
  }
}
