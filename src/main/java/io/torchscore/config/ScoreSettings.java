package io.torchscore.config;

import io.torchscore.TorchScoreException;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What to score with and how: the model, its inputs, its outputs, the batch size and what bad
 * rows do. Immutable; validated when built, once, on the driver.
 */
public final class ScoreSettings implements Serializable {

  private static final long serialVersionUID = 1L;

  /** What a bad row does. */
  public enum OnError {
    /** The job stops with a message naming the column, the reason and the row. */
    FAIL,
    /** The row is dropped from the output (and written to the rejects, when set). */
    SKIP,
    /** The row is kept with null predictions and the reason in the error column. */
    NULL
  }

  /** Post-processing of a classifier's scores, each named in the conf by its {@link #value()}. */
  public enum Postprocess {
    /** The model's output as it is. */
    NONE("none"),
    /** Probabilities: softmax over the scores. */
    SOFTMAX("softmax"),
    /** The index of the highest score, and its label when labels are given. */
    ARGMAX("argmax"),
    /** The k highest scores, as the model returns them (logits, say), with their indexes and labels. */
    TOPK("topk"),
    /** The k highest probabilities (softmax over the scores) with their indexes and labels. */
    SOFTMAX_TOPK("softmax+topk");

    private final String value;

    Postprocess(String value) {
      this.value = value;
    }

    /**
     * Returns the value of {@code spark.torchscore.postprocess} that selects it.
     *
     * @return the conf value, e.g. {@code softmax+topk}
     */
    public String value() {
      return value;
    }

    private static Postprocess of(String value) {
      return Arrays.stream(values()).filter(p -> p.value.equals(value)).findFirst().orElseThrow();
    }
  }

  private final Map<String, Object> values;

  /** Takes every scoring setting's value, each already checked by its {@link Setting}. */
  ScoreSettings(Map<String, Object> values) {
    this.values = Collections.unmodifiableMap(new HashMap<>(values));
    TorchScoreException.check(
        get(ConfKeys.MODEL_PATH) != null && !get(ConfKeys.MODEL_PATH).isBlank(),
        "Missing setting %s: expected the path of a TorchScript file",
        ConfKeys.MODEL_PATH);
    TorchScoreException.check(
        get(ConfKeys.FEATURES) != null && !get(ConfKeys.FEATURES).isEmpty(),
        "Missing setting %s: expected an array column or comma-separated numeric columns",
        ConfKeys.FEATURES);
    List<List<Long>> shapes = get(ConfKeys.INPUT_SHAPE);
    TorchScoreException.check(
        shapes.isEmpty() || shapes.size() == get(ConfKeys.FEATURES).size(),
        "Invalid %s: %s shapes for %s inputs; give one per input, separated by ';'",
        ConfKeys.INPUT_SHAPE,
        shapes.size(),
        get(ConfKeys.FEATURES).size());
    image();
  }

  /**
   * Returns a builder with every optional setting at its default.
   *
   * @return a new builder
   */
  public static SettingsBuilder builder() {
    return new SettingsBuilder();
  }

  /**
   * Reads the scoring settings from Spark conf entries ({@code spark.torchscore.*}); the job's own
   * keys are accepted and left to {@link JobSettings}.
   *
   * @param conf the conf entries
   * @return the settings
   * @throws TorchScoreException naming the key when a setting is missing, unknown or invalid
   */
  public static ScoreSettings fromConf(Map<String, String> conf) {
    ConfKeys.checkKnown(conf);
    SettingsBuilder builder = builder();
    for (Setting<?> setting : ConfKeys.all(Setting.Scope.SCORING)) {
      String value = conf.get(setting.key());
      if (value != null && !value.isBlank()) {
        builder.option(setting.key(), value);
      }
    }
    return builder.build();
  }

  /**
   * Returns a setting's value, e.g. {@code settings.get(ConfKeys.BATCH_SIZE)}.
   *
   * @param setting a scoring setting from {@link ConfKeys}
   * @param <T> its type
   * @return its value, its default when it was not set, or null for an optional setting with none
   */
  @SuppressWarnings("unchecked")
  public <T> T get(Setting<T> setting) {
    return (T) values.get(setting.key());
  }

  /** Returns the model's inputs in order, each the columns that make it. */
  public List<List<String>> inputs() {
    return get(ConfKeys.FEATURES);
  }

  /** Returns whether a multi-output model's outputs go in one struct column. */
  public boolean outputStruct() {
    return "struct".equals(get(ConfKeys.OUTPUT_LAYOUT));
  }

  /** Returns the post-processing of a classifier's scores. */
  public Postprocess postprocess() {
    return Postprocess.of(get(ConfKeys.POSTPROCESS));
  }

  /** Returns what a bad row does. */
  public OnError onError() {
    return OnError.valueOf(get(ConfKeys.ON_ERROR).toUpperCase(Locale.ROOT));
  }

  /** Returns whether NaN and infinite features make a row bad. */
  public boolean rejectNaN() {
    return "reject".equals(get(ConfKeys.NAN));
  }

  /** Returns how image inputs are preprocessed. */
  public ImageSettings image() {
    return new ImageSettings(
        get(ConfKeys.IMAGE_RESIZE), get(ConfKeys.IMAGE_CROP), get(ConfKeys.IMAGE_MEAN), get(ConfKeys.IMAGE_STD));
  }

  @Override
  public String toString() {
    return "ScoreSettings{model="
        + Redaction.uri(get(ConfKeys.MODEL_PATH))
        + ", inputs="
        + inputs()
        + ", batchSize="
        + get(ConfKeys.BATCH_SIZE)
        + ", onError="
        + onError()
        + ", postprocess="
        + postprocess()
        + ", device="
        + get(ConfKeys.DEVICE)
        + ", precision="
        + get(ConfKeys.PRECISION)
        + "}";
  }

  /** Builds {@link ScoreSettings}; the model path and the features are required. */
  public static final class SettingsBuilder extends ScoreSettingsBuilder<SettingsBuilder> {

    private SettingsBuilder() {}

    /**
     * Builds the settings.
     *
     * @return the settings
     * @throws TorchScoreException when a setting is missing or invalid
     */
    public ScoreSettings build() {
      return buildSettings();
    }
  }
}
