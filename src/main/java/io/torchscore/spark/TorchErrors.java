package io.torchscore.spark;

/** Finds the line that says what went wrong in libtorch's long, multi-line errors. */
final class TorchErrors {

  private TorchErrors() {}

  /** Returns the last "...Error: ..." line of the failure's messages, else its first line. */
  static String summary(Throwable failure) {
    String found = null;
    String first = null;
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String message = t.getMessage();
      if (message == null) {
        continue;
      }
      for (String line : message.split("\n")) {
        String trimmed = line.trim();
        if (first == null && !trimmed.isEmpty()) {
          first = trimmed;
        }
        if (trimmed.matches("^[A-Za-z.]*Error: .*")) {
          found = trimmed;
        }
      }
    }
    if (found != null) {
      return found;
    }
    return first != null ? first : failure.getClass().getSimpleName();
  }
}
