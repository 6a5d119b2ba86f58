package io.torchscore.job;

import io.torchscore.TorchScoreException;

/**
 * The job ran but must not succeed: too many bad rows, or its output could not be put in place.
 * The command exits with {@link ScoreCommand#EXIT_FAILED} rather than the exit code of a bad
 * setting.
 */
public class RunFailedException extends TorchScoreException {

  /**
   * Creates an exception from a message built with {@link String#format}.
   *
   * @param format the message format, "Cannot X: reason; fix"
   * @param args the values for the format
   */
  public RunFailedException(String format, Object... args) {
    super(format, args);
  }

  /**
   * Creates an exception with a cause.
   *
   * @param cause the underlying failure
   * @param format the message format
   * @param args the values for the format
   */
  public RunFailedException(Throwable cause, String format, Object... args) {
    super(cause, format, args);
  }
}
