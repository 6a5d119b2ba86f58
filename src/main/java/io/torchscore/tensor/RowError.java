package io.torchscore.tensor;

/**
 * What was wrong with one row.
 *
 * @param reason the counted reason
 * @param column the column at fault, or null when the model failed on the row
 * @param detail what was found, for people
 */
public record RowError(ErrorReason reason, String column, String detail) {

  /**
   * Returns the text of the error column: the reason's code, the column and the detail.
   *
   * @return e.g. {@code null_element: column 'features' has a null at index 3}
   */
  public String message() {
    return column == null ? reason.code() + ": " + detail : reason.code() + ": column '" + column + "' " + detail;
  }
}
