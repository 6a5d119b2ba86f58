package io.torchscore.config;

import java.io.Serializable;
import java.util.Locale;

/**
 * The value of {@code spark.torchscore.batch.size}: a fixed number of rows per forward call, or
 * {@code auto}, where each executor measures the model on its device and chooses. Whether a fixed
 * size is valid (above 0) is checked by its declaration, {@link ConfKeys#BATCH_SIZE}, wherever it
 * is set.
 *
 * @param rows the rows per forward call; 0 for auto
 * @param auto whether each executor chooses
 */
public record BatchSize(int rows, boolean auto) implements Serializable {

  /** Each executor chooses, per model, device, precision and input shape. */
  public static final BatchSize AUTO = new BatchSize(0, true);

  /**
   * Returns a fixed batch size.
   *
   * @param rows rows per forward call
   * @return the batch size
   */
  public static BatchSize of(int rows) {
    return new BatchSize(rows, false);
  }

  /** Whether the size is usable: auto, or a fixed size above 0. */
  boolean valid() {
    return auto || rows > 0;
  }

  static BatchSize parse(String key, String value) {
    String text = value.trim();
    return text.toLowerCase(Locale.ROOT).equals("auto") ? AUTO : of(Integer.parseInt(text));
  }

  /** Returns the conf value: {@code auto} or the number of rows. */
  @Override
  public String toString() {
    return auto ? "auto" : Integer.toString(rows);
  }
}
