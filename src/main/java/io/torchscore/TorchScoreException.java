package io.torchscore;

/**
 * The one exception torchscore throws for a problem the user can fix: a bad setting, a missing
 * model or column, input the model cannot take. Its message says what was wrong and what was
 * expected.
 */
public class TorchScoreException extends RuntimeException {

  /**
   * Creates an exception from a message built with {@link String#format}.
   *
   * @param format the message format, "Cannot X: reason" or "Invalid X: value"
   * @param args the values for the format
   */
  public TorchScoreException(String format, Object... args) {
    super(String.format(format, args));
  }

  /**
   * Creates an exception with a cause.
   *
   * @param cause the underlying failure
   * @param format the message format
   * @param args the values for the format
   */
  public TorchScoreException(Throwable cause, String format, Object... args) {
    super(String.format(format, args), cause);
  }

  /**
   * Fails with a {@link TorchScoreException} unless the condition holds.
   *
   * @param condition what must be true
   * @param format the message format used when it is false
   * @param args the values for the format
   * @throws TorchScoreException when {@code condition} is false
   */
  public static void check(boolean condition, String format, Object... args) {
    if (!condition) {
      throw new TorchScoreException(format, args);
    }
  }

  /**
   * Returns the first line of a message, for one-line errors built from long causes.
   *
   * @param message a message, may be null
   * @return its first line, or {@code no detail} when there is none
   */
  public static String firstLine(String message) {
    if (message == null) {
      return "no detail";
    }
    int end = message.indexOf('\n');
    return end < 0 ? message : message.substring(0, end);
  }
}
