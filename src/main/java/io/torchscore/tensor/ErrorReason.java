package io.torchscore.tensor;

import java.util.Locale;

/** Why a row could not be scored; each is counted and reported under its code. */
public enum ErrorReason {
  /** The feature column (or one of the feature columns) is null. */
  NULL_FEATURES,
  /** An array or vector holds a null element. */
  NULL_ELEMENT,
  /** An array or vector has the wrong length for the model's input. */
  WRONG_SHAPE,
  /** A feature is NaN or infinite and {@code spark.torchscore.nan=reject}. */
  NAN,
  /** A text value (as CSV gives) is not a number. */
  UNPARSEABLE,
  /**
   * A binary column's bytes are not a JPEG or PNG image, or not a whole one (truncated, corrupt), or
   * one of a kind refused rather than decoded unlike PIL (16-bit samples, CMYK).
   */
  UNDECODABLE_IMAGE,
  /** An image declares more pixels than a decoder should allocate (a decompression bomb). */
  IMAGE_TOO_LARGE,
  /** The model raised an error for this row alone. */
  MODEL_ERROR,
  /**
   * The source could not parse the row: Spark's corrupt-record column holds it (a CSV line with
   * more or fewer fields than the header, a line that is not JSON).
   */
  MALFORMED_ROW;

  /**
   * Returns the reason's code in reports and error columns.
   *
   * @return e.g. {@code null_element}
   */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}
