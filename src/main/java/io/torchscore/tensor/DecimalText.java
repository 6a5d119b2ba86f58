package io.torchscore.tensor;

/**
 * Reads a number from text as a CSV reader would: plain decimal or scientific notation
 * ({@code 8}, {@code -0.5}, {@code .5}, {@code 1.5e-3}) and the spellings of NaN and infinity
 * that Spark's CSV reader writes and reads ({@code NaN}, {@code Inf}, {@code -Inf},
 * {@code Infinity}, {@code -Infinity}), with surrounding spaces. Java's own parser also takes
 * hexadecimal ({@code 0x1p3}) and type suffixes ({@code 1f}, {@code 2d}), which no CSV writer
 * means as numbers: they are refused here.
 */
final class DecimalText {

  /** What the refusal message shows as accepted forms. */
  static final String FORMS = "e.g. 8, -0.5, 1.5e-3, NaN, Inf or -Inf";

  private DecimalText() {}

  /**
   * Parses the text, or returns null when it is not a number in a form a CSV reader accepts.
   *
   * @param text the field's text
   * @return the value (infinite when it overflows a double, as {@code 1e999}), or null
   */
  static Double parse(String text) {
    String trimmed = text.strip();
    return switch (trimmed) {
      case "NaN" -> Double.NaN;
      case "Inf", "+Inf", "Infinity", "+Infinity" -> Double.POSITIVE_INFINITY;
      case "-Inf", "-Infinity" -> Double.NEGATIVE_INFINITY;
      default -> isDecimal(trimmed) ? Double.parseDouble(trimmed) : null;
    };
  }

  /** Matches {@code [+-]?(digits[.digits?] | .digits)([eE][+-]?digits)?}. */
  private static boolean isDecimal(String s) {
    int i = 0;
    int n = s.length();
    if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
      i++;
    }
    int digits = 0;
    while (i < n && isDigit(s.charAt(i))) {
      i++;
      digits++;
    }
    if (i < n && s.charAt(i) == '.') {
      i++;
      while (i < n && isDigit(s.charAt(i))) {
        i++;
        digits++;
      }
    }
    if (digits == 0) {
      return false;
    }
    if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
      i++;
      if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
        i++;
      }
      int exponent = 0;
      while (i < n && isDigit(s.charAt(i))) {
        i++;
        exponent++;
      }
      if (exponent == 0) {
        return false;
      }
    }
    return i == n;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
