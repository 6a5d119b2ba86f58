package io.torchscore.tensor;

/**
 * Bytes that are not a whole image: not a JPEG or PNG, or truncated or corrupt. Its message says
 * what the bytes hold, to follow "holds", e.g. {@code PNG data that is truncated or corrupt (the
 * decoder said: Error reading PNG image data; Unexpected end of ZLIB input stream)}.
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
