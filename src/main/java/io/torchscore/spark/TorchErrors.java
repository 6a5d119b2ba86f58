package io.torchscore.spark;

/** Reads libtorch's long, multi-line errors: the line that says what went wrong, and its kind. */
final class TorchErrors {

  private TorchErrors() {}

  /**
   * Returns whether the failure is the device running out of memory (CUDA's "out of memory", the
   * CPU allocator's "can't allocate memory"): a smaller batch may fit, the rows are not bad.
   */
  static boolean isOutOfMemory(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String message = t.getMessage();
      if (message != null
          && (message.contains("out of memory") || message.contains("can't allocate memory"))) {
        return true;
      }
    }
    return false;
  }

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
