package io.torchscore.tensor;

/**
 * Bytes that are not an image decoded as PIL's {@code Image.open(..).convert("RGB")} decodes it:
 * not a JPEG or PNG, truncated or corrupt, or of a kind refused rather than decoded differently
 * (16-bit samples, CMYK). Its message says what the bytes hold, to follow "holds", e.g. {@code a
 * CMYK image: convert it to RGB}.
 */
public final class UndecodableImageException extends Exception {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what the bytes hold and, where there is one, the fix
   */
  public UndecodableImageException(String message) {
    // One per bad row, never a bug: no stack trace to fill in.
    super(message, null, false, false);
  }
}
