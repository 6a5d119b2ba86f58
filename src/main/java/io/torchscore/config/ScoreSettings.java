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

  private ScoreSettings(Builder<?> b) {
    this.values = Collections.unmodifiableMap(new HashMap<>(b.values));
    TorchScoreException.check(
        modelPath() != null && !modelPath().isBlank(),
        "Missing setting %s: expected the path of a TorchScript file",
        ConfKeys.MODEL_PATH);
    TorchScoreException.check(
        inputs() != null && !inputs().isEmpty(),
        "Missing setting %s: expected an array column or comma-separated numeric columns",
        ConfKeys.FEATURES);
    TorchScoreException.check(
        predictionColumn() != null && !predictionColumn().isBlank(),
        "Invalid %s: expected a column name",
        ConfKeys.PREDICTION_COLUMN);
    for (Setting<Integer> positive :
        List.of(ConfKeys.BATCH_SIZE, ConfKeys.BATCH_MAX_BYTES, ConfKeys.TOPK, ConfKeys.GPU_CONCURRENCY,
            ConfKeys.CACHE_MODELS, ConfKeys.PROFILE_BATCHES, ConfKeys.BATCH_ROWS_MAX_BYTES)) {
      TorchScoreException.check(
          get(positive) > 0, "Invalid %s=%s: expected a whole number > 0", positive, get(positive));
    }
    TorchScoreException.check(
        threads() >= 0, "Invalid %s=%s: expected a whole number >= 0", ConfKeys.THREADS, threads());
    TorchScoreException.check(
        inputShapes().isEmpty() || inputShapes().size() == inputs().size(),
        "Invalid %s: %s shapes for %s inputs; give one per input, separated by ';'",
        ConfKeys.INPUT_SHAPE,
        inputShapes().size(),
        inputs().size());
    for (Setting<?> setting : ConfKeys.all(Setting.Scope.SCORING)) {
      Object value = values.get(setting.key());
      TorchScoreException.check(
          setting.allowed().isEmpty() || setting.allowed().contains(value),
          "Invalid %s=%s: expected one of %s",
          setting,
          value,
          String.join(", ", setting.allowed()));
    }
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
   * Returns a setting's value.
   *
   * @param setting a scoring setting from {@link ConfKeys}
   * @param <T> its type
   * @return its value, or its default when it was not set
   */
  @SuppressWarnings("unchecked")
  public <T> T get(Setting<T> setting) {
    return (T) values.get(setting.key());
  }

  /** Returns the model's location: a local path or Hadoop FS URI. */
  public String modelPath() {
    return get(ConfKeys.MODEL_PATH);
  }

  /** Returns the model file's pinned SHA-256 (lower-case hex), or null when not pinned. */
  public String modelSha256() {
    return get(ConfKeys.MODEL_SHA256);
  }

  /** Returns the model's inputs in order, each the columns that make it. */
  public List<List<String>> inputs() {
    return get(ConfKeys.FEATURES);
  }

  /** Returns each input's per-row shape, or an empty list when none was declared. */
  public List<List<Long>> inputShapes() {
    return get(ConfKeys.INPUT_SHAPE);
  }

  /** Returns the input tensors' type: auto, float32 or int64. */
  public String inputDtype() {
    return get(ConfKeys.INPUT_DTYPE);
  }

  /** Returns the prediction column's name. */
  public String predictionColumn() {
    return get(ConfKeys.PREDICTION_COLUMN);
  }

  /** Returns the configured names of a multi-output model's columns, or an empty list. */
  public List<String> outputNames() {
    return get(ConfKeys.OUTPUT_NAMES);
  }

  /** Returns whether a multi-output model's outputs go in one struct column. */
  public boolean outputStruct() {
    return "struct".equals(get(ConfKeys.OUTPUT_LAYOUT));
  }

  /** Returns the post-processing of a classifier's scores. */
  public Postprocess postprocess() {
    return Postprocess.of(get(ConfKeys.POSTPROCESS));
  }

  /** Returns k for top-k post-processing. */
  public int topK() {
    return get(ConfKeys.TOPK);
  }

  /** Returns the class labels file, or null. */
  public String labelsPath() {
    return get(ConfKeys.LABELS_PATH);
  }

  /** Returns what a bad row does. */
  public OnError onError() {
    return OnError.valueOf(get(ConfKeys.ON_ERROR).toUpperCase(Locale.ROOT));
  }

  /** Returns the name of the column that says why a row has no prediction. */
  public String errorColumn() {
    return get(ConfKeys.ERROR_COLUMN);
  }

  /** Returns the input columns written beside the predictions; empty for all of them. */
  public List<String> outputColumns() {
    return get(ConfKeys.OUTPUT_COLUMNS);
  }

  /** Returns the column that names a row in messages, or null. */
  public String keyColumn() {
    return get(ConfKeys.KEY_COLUMN);
  }

  /** Returns whether NaN and infinite features make a row bad. */
  public boolean rejectNaN() {
    return "reject".equals(get(ConfKeys.NAN));
  }

  /** Returns the rows per forward call. */
  public int batchSize() {
    return get(ConfKeys.BATCH_SIZE);
  }

  /** Returns the most bytes one batch's input tensors may take; large rows get fewer rows. */
  public int batchMaxBytes() {
    return get(ConfKeys.BATCH_MAX_BYTES);
  }

  /** Returns the most bytes of input rows (every column) one batch holds on the heap. */
  public int batchRowsMaxBytes() {
    return get(ConfKeys.BATCH_ROWS_MAX_BYTES);
  }

  /** Returns libtorch's intra-op threads per executor JVM, 0 to derive them from spark.task.cpus. */
  public int threads() {
    return get(ConfKeys.THREADS);
  }

  /** Returns the executor-local folder models are copied to, or null for each executor's own. */
  public String cacheDir() {
    return get(ConfKeys.CACHE_DIR);
  }

  /** Returns how image inputs are preprocessed. */
  public ImageSettings image() {
    return new ImageSettings(
        get(ConfKeys.IMAGE_RESIZE), get(ConfKeys.IMAGE_CROP), get(ConfKeys.IMAGE_MEAN), get(ConfKeys.IMAGE_STD));
  }

  /** Returns the runtime that loads and runs the model: pytorch or onnxruntime. */
  public String engine() {
    return get(ConfKeys.ENGINE);
  }

  /** Returns ONNX Runtime's execution provider on a GPU: cuda or tensorrt. */
  public String onnxRuntimeProvider() {
    return get(ConfKeys.ONNXRUNTIME_PROVIDER);
  }

  /** Returns where the model runs: auto, cpu or gpu. */
  public String device() {
    return get(ConfKeys.DEVICE);
  }

  /** Returns the precision the model runs in: auto (its own dtype), fp32 or fp16. */
  public String precision() {
    return get(ConfKeys.PRECISION);
  }

  /** Returns how many forwards may be in flight on one GPU at once. */
  public int gpuConcurrency() {
    return get(ConfKeys.GPU_CONCURRENCY);
  }

  /** Returns how many loaded models an executor JVM keeps per device. */
  public int cacheModels() {
    return get(ConfKeys.CACHE_MODELS);
  }

  /** Returns whether executors record libtorch's profiler around their first batches. */
  public boolean profile() {
    return get(ConfKeys.PROFILE);
  }

  /** Returns how many forward calls each executor records when profiling. */
  public int profileBatches() {
    return get(ConfKeys.PROFILE_BATCHES);
  }

  /** Returns the folder profiler traces are copied to, or null for each executor's working directory. */
  public String profileDir() {
    return get(ConfKeys.PROFILE_DIR);
  }

  @Override
  public String toString() {
    return "ScoreSettings{model="
        + Redaction.uri(modelPath())
        + ", inputs="
        + inputs()
        + ", batchSize="
        + batchSize()
        + ", onError="
        + onError()
        + ", postprocess="
        + postprocess()
        + ", device="
        + device()
        + ", precision="
        + precision()
        + "}";
  }

  /** Builds {@link ScoreSettings}; the model path and the features are required. */
  public static final class SettingsBuilder extends Builder<SettingsBuilder> {

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

  /**
   * The setters shared by {@link SettingsBuilder} and the scorer's own builder.
   *
   * @param <B> the concrete builder, returned by each setter
   */
  public abstract static class Builder<B extends Builder<B>> {

    private final Map<String, Object> values = new HashMap<>();

    protected Builder() {
      for (Setting<?> setting : ConfKeys.all(Setting.Scope.SCORING)) {
        values.put(setting.key(), setting.defaultValue());
      }
    }

    private <T> B set(Setting<T> setting, T value) {
      values.put(setting.key(), value);
      return self();
    }

    @SuppressWarnings("unchecked")
    private B self() {
      return (B) this;
    }

    /** Builds the settings from what is set. */
    protected ScoreSettings buildSettings() {
      return new ScoreSettings(this);
    }

    /** Sets the model's location: a local path or any Hadoop FS URI. */
    public B modelPath(String path) {
      return set(ConfKeys.MODEL_PATH, path);
    }

    /** Pins the model file's SHA-256 (hex): the driver fails when the file has another one. */
    public B modelSha256(String sha256) {
      return set(ConfKeys.MODEL_SHA256, sha256 == null ? null : ConfKeys.MODEL_SHA256.parse(sha256));
    }

    /** Sets one array, vector or binary-image column as the model's only input. */
    public B featuresCol(String column) {
      return set(ConfKeys.FEATURES, List.of(List.of(column)));
    }

    /** Sets numeric columns assembled, in order, into the model's only input. */
    public B featuresCols(String... columns) {
      return set(ConfKeys.FEATURES, List.of(List.of(columns)));
    }

    /** Sets several model inputs, in the order of forward()'s arguments, each its columns. */
    public B inputs(List<List<String>> inputs) {
      return set(ConfKeys.FEATURES, inputs.stream().map(List::copyOf).toList());
    }

    /** Sets each input's per-row shape, e.g. [[3, 32, 32]] to reshape a flat array of 3072. */
    public B inputShapes(List<List<Long>> shapes) {
      return set(ConfKeys.INPUT_SHAPE, shapes.stream().map(List::copyOf).toList());
    }

    /** Sets the input tensors' type: auto (int64 for integer columns, else float32), float32 or int64. */
    public B inputDtype(String dtype) {
      return set(ConfKeys.INPUT_DTYPE, dtype);
    }

    /** Sets the prediction column's name (default {@code prediction}). */
    public B predictionCol(String column) {
      return set(ConfKeys.PREDICTION_COLUMN, column);
    }

    /** Sets the column names of a multi-output model's outputs. */
    public B outputNames(List<String> names) {
      return set(ConfKeys.OUTPUT_NAMES, List.copyOf(names));
    }

    /** Puts a multi-output model's outputs in one struct column instead of one column each. */
    public B outputStruct(boolean struct) {
      return set(ConfKeys.OUTPUT_LAYOUT, struct ? "struct" : "columns");
    }

    /** Sets the post-processing of a classifier's scores. */
    public B postprocess(Postprocess postprocess) {
      return set(ConfKeys.POSTPROCESS, postprocess.value());
    }

    /** Sets k for {@link Postprocess#TOPK} and {@link Postprocess#SOFTMAX_TOPK} (default 5). */
    public B topK(int k) {
      return set(ConfKeys.TOPK, k);
    }

    /** Sets a text file of class labels, one per line, for argmax, topk and softmax+topk. */
    public B labelsPath(String path) {
      return set(ConfKeys.LABELS_PATH, path);
    }

    /** Sets what a bad row does (default {@link OnError#FAIL}). */
    public B onError(OnError policy) {
      return set(ConfKeys.ON_ERROR, policy.name().toLowerCase(Locale.ROOT));
    }

    /** Sets the name of the column that says why a row has no prediction (default {@code _error}). */
    public B errorColumn(String column) {
      return set(ConfKeys.ERROR_COLUMN, column);
    }

    /**
     * Keeps only these input columns beside the predictions (default: all of them); the others
     * are read only when scoring needs them (features, key column) and are not carried further.
     */
    public B keepColumns(String... columns) {
      return set(ConfKeys.OUTPUT_COLUMNS, List.of(columns));
    }

    /** Sets a column whose value names a row in error messages. */
    public B keyColumn(String column) {
      return set(ConfKeys.KEY_COLUMN, column);
    }

    /** Makes rows with NaN or infinite features bad rows (default: they go to the model). */
    public B rejectNaN(boolean reject) {
      return set(ConfKeys.NAN, reject ? "reject" : "allow");
    }

    /** Sets the rows per forward call (default 4096, capped by batchMaxBytes). */
    public B batchSize(int rows) {
      return set(ConfKeys.BATCH_SIZE, rows);
    }

    /** Caps a batch's input tensors at this many bytes (default 8 MiB): fewer rows when rows are large. */
    public B batchMaxBytes(int bytes) {
      return set(ConfKeys.BATCH_MAX_BYTES, bytes);
    }

    /** Caps the input rows a batch holds on the heap at this many bytes (default 64 MiB): wide rows make smaller batches. */
    public B batchRowsMaxBytes(int bytes) {
      return set(ConfKeys.BATCH_ROWS_MAX_BYTES, bytes);
    }

    /** Sets libtorch's intra-op threads per executor JVM (default: spark.task.cpus). */
    public B threads(int count) {
      return set(ConfKeys.THREADS, count);
    }

    /** Sets the executor-local folder models are copied to (default: each executor's own). */
    public B cacheDir(String dir) {
      return set(ConfKeys.CACHE_DIR, dir);
    }

    /** Sets where the model runs: auto (the task's GPU when usable, else the CPU), cpu or gpu. */
    public B device(String device) {
      return set(ConfKeys.DEVICE, device);
    }

    /** Sets the runtime: pytorch (TorchScript, the default) or onnxruntime (an .onnx file). */
    public B engine(String engine) {
      return set(ConfKeys.ENGINE, engine);
    }

    /** Sets ONNX Runtime's execution provider on a GPU: cuda (the default) or tensorrt. */
    public B onnxRuntimeProvider(String provider) {
      return set(ConfKeys.ONNXRUNTIME_PROVIDER, provider);
    }

    /** Sets the precision: auto (the model's own dtype), fp32 or fp16 (a float32 model is cast once). */
    public B precision(String precision) {
      return set(ConfKeys.PRECISION, precision);
    }

    /** Sets how many forwards may be in flight on one GPU at once (default 1). */
    public B gpuConcurrency(int forwards) {
      return set(ConfKeys.GPU_CONCURRENCY, forwards);
    }

    /** Sets how many loaded models an executor JVM keeps per device (default 2). */
    public B cacheModels(int models) {
      return set(ConfKeys.CACHE_MODELS, models);
    }

    /**
     * Sets any scoring setting from its text form, as a Spark conf value would give it.
     *
     * @param key the conf key ({@code spark.torchscore.batch.size}) or its short name ({@code batch.size})
     * @param value the value
     * @return this builder
     * @throws TorchScoreException naming the key when it is unknown or the value is invalid
     */
    public B option(String key, String value) {
      String full = key.startsWith(ConfKeys.PREFIX) ? key : ConfKeys.PREFIX + key;
      ConfKeys.checkKnown(Map.of(full, value));
      for (Setting<?> setting : ConfKeys.all(Setting.Scope.SCORING)) {
        if (setting.key().equals(full)) {
          values.put(full, setting.parse(value.trim()));
          return self();
        }
      }
      throw new TorchScoreException("Cannot set %s here: it is a job setting (input or output)", full);
    }

    /** Records libtorch's profiler around each executor's first forward calls (default false). */
    public B profile(boolean profile) {
      return set(ConfKeys.PROFILE, profile);
    }

    /** Sets how many forward calls each executor records when profiling (default 5). */
    public B profileBatches(int batches) {
      return set(ConfKeys.PROFILE_BATCHES, batches);
    }

    /** Sets the folder (any Hadoop FS URI) profiler traces are copied to. */
    public B profileDir(String dir) {
      return set(ConfKeys.PROFILE_DIR, dir);
    }

    /** Sets how image inputs are resized, cropped and normalised. */
    public B image(ImageSettings settings) {
      set(ConfKeys.IMAGE_RESIZE, settings.resize());
      set(ConfKeys.IMAGE_CROP, settings.crop());
      set(ConfKeys.IMAGE_MEAN, settings.mean());
      return set(ConfKeys.IMAGE_STD, settings.std());
    }
  }
}
