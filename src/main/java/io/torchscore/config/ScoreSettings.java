package io.torchscore.config;

import io.torchscore.TorchScoreException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
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

  /** Post-processing of a classifier's scores. */
  public enum Postprocess {
    /** The model's output as it is. */
    NONE,
    /** Probabilities: softmax over the scores. */
    SOFTMAX,
    /** The index of the highest score, and its label when labels are given. */
    ARGMAX,
    /** The k highest scores with their indexes and labels. */
    TOPK
  }

  private final String modelPath;
  private final String modelSha256;
  private final List<List<String>> inputs;
  private final List<List<Long>> inputShapes;
  private final String inputDtype;
  private final String predictionColumn;
  private final List<String> outputNames;
  private final boolean outputStruct;
  private final Postprocess postprocess;
  private final int topK;
  private final String labelsPath;
  private final OnError onError;
  private final String errorColumn;
  private final String keyColumn;
  private final boolean rejectNaN;
  private final int batchSize;
  private final int batchMaxBytes;
  private final int threads;
  private final String cacheDir;
  private final ImageSettings image;

  private ScoreSettings(Builder<?> b) {
    TorchScoreException.check(
        b.modelPath != null && !b.modelPath.isBlank(),
        "Missing setting %s: expected the path of a TorchScript file",
        ConfKeys.MODEL_PATH);
    TorchScoreException.check(
        b.modelSha256 == null || b.modelSha256.matches("[0-9a-fA-F]{64}"),
        "Invalid %s=%s: expected the file's SHA-256 as 64 hex digits (sha256sum model.pt)",
        ConfKeys.MODEL_SHA256,
        b.modelSha256);
    TorchScoreException.check(
        b.inputs != null && !b.inputs.isEmpty(),
        "Missing setting %s: expected an array column or comma-separated numeric columns",
        ConfKeys.FEATURES);
    TorchScoreException.check(
        b.predictionColumn != null && !b.predictionColumn.isBlank(),
        "Invalid %s: expected a column name",
        ConfKeys.PREDICTION_COLUMN);
    TorchScoreException.check(
        b.batchSize > 0, "Invalid %s=%s: expected a whole number > 0", ConfKeys.BATCH_SIZE, b.batchSize);
    TorchScoreException.check(
        b.batchMaxBytes > 0,
        "Invalid %s=%s: expected a whole number of bytes > 0",
        ConfKeys.BATCH_MAX_BYTES,
        b.batchMaxBytes);
    TorchScoreException.check(
        b.threads >= 0, "Invalid %s=%s: expected a whole number >= 0", ConfKeys.THREADS, b.threads);
    TorchScoreException.check(
        b.topK > 0, "Invalid %s=%s: expected a whole number > 0", ConfKeys.TOPK, b.topK);
    TorchScoreException.check(
        b.inputShapes.isEmpty() || b.inputShapes.size() == b.inputs.size(),
        "Invalid %s: %s shapes for %s inputs; give one per input, separated by ';'",
        ConfKeys.INPUT_SHAPE,
        b.inputShapes.size(),
        b.inputs.size());
    TorchScoreException.check(
        List.of("auto", "float32", "int64").contains(b.inputDtype),
        "Invalid %s=%s: expected auto, float32 or int64",
        ConfKeys.INPUT_DTYPE,
        b.inputDtype);
    this.modelPath = b.modelPath;
    this.modelSha256 = b.modelSha256 == null ? null : b.modelSha256.toLowerCase(Locale.ROOT);
    this.inputs = b.inputs.stream().map(List::copyOf).toList();
    this.inputShapes = b.inputShapes.stream().map(List::copyOf).toList();
    this.inputDtype = b.inputDtype;
    this.predictionColumn = b.predictionColumn;
    this.outputNames = List.copyOf(b.outputNames);
    this.outputStruct = b.outputStruct;
    this.postprocess = b.postprocess;
    this.topK = b.topK;
    this.labelsPath = b.labelsPath;
    this.onError = b.onError;
    this.errorColumn = b.errorColumn;
    this.keyColumn = b.keyColumn;
    this.rejectNaN = b.rejectNaN;
    this.batchSize = b.batchSize;
    this.batchMaxBytes = b.batchMaxBytes;
    this.threads = b.threads;
    this.cacheDir = b.cacheDir;
    this.image = b.image;
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
   * Reads the scoring settings from Spark conf entries ({@code spark.torchscore.*}).
   *
   * @param conf the conf entries
   * @return the settings
   * @throws TorchScoreException naming the key when a setting is missing or invalid
   */
  public static ScoreSettings fromConf(Map<String, String> conf) {
    ConfReader reader = new ConfReader(conf);
    String modelPath = reader.required(ConfKeys.MODEL_PATH, "the path of a TorchScript file");
    String features =
        reader.required(ConfKeys.FEATURES, "an array column or comma-separated numeric columns");
    SettingsBuilder builder =
        builder()
            .modelPath(modelPath)
            .modelSha256(reader.optional(ConfKeys.MODEL_SHA256))
            .inputs(parseInputs(features))
            .inputDtype(reader.oneOf(ConfKeys.INPUT_DTYPE, ConfKeys.INPUT_DTYPE_DEFAULT, "auto", "float32", "int64"))
            .predictionCol(reader.string(ConfKeys.PREDICTION_COLUMN, ConfKeys.PREDICTION_COLUMN_DEFAULT))
            .outputStruct(
                reader.oneOf(ConfKeys.OUTPUT_LAYOUT, ConfKeys.OUTPUT_LAYOUT_DEFAULT, "columns", "struct")
                    .equals("struct"))
            .postprocess(
                Postprocess.valueOf(
                    reader.oneOf(ConfKeys.POSTPROCESS, ConfKeys.POSTPROCESS_DEFAULT, "none", "softmax", "argmax", "topk")
                        .toUpperCase(Locale.ROOT)))
            .topK(reader.positiveInt(ConfKeys.TOPK, ConfKeys.TOPK_DEFAULT))
            .labelsPath(reader.optional(ConfKeys.LABELS_PATH))
            .onError(
                OnError.valueOf(
                    reader.oneOf(ConfKeys.ON_ERROR, ConfKeys.ON_ERROR_DEFAULT, "fail", "skip", "null")
                        .toUpperCase(Locale.ROOT)))
            .errorColumn(reader.string(ConfKeys.ERROR_COLUMN, ConfKeys.ERROR_COLUMN_DEFAULT))
            .keyColumn(reader.optional(ConfKeys.KEY_COLUMN))
            .rejectNaN(reader.oneOf(ConfKeys.NAN, ConfKeys.NAN_DEFAULT, "allow", "reject").equals("reject"))
            .batchSize(reader.positiveInt(ConfKeys.BATCH_SIZE, ConfKeys.BATCH_SIZE_DEFAULT))
            .batchMaxBytes(reader.positiveInt(ConfKeys.BATCH_MAX_BYTES, ConfKeys.BATCH_MAX_BYTES_DEFAULT))
            .threads(reader.integer(ConfKeys.THREADS, ConfKeys.THREADS_DEFAULT))
            .cacheDir(reader.string(ConfKeys.CACHE_DIR, ConfKeys.CACHE_DIR_DEFAULT))
            .image(
                new ImageSettings(
                    reader.positiveInt(ConfKeys.IMAGE_RESIZE, ConfKeys.IMAGE_RESIZE_DEFAULT),
                    reader.positiveInt(ConfKeys.IMAGE_CROP, ConfKeys.IMAGE_CROP_DEFAULT),
                    reader.floats(ConfKeys.IMAGE_MEAN, ConfKeys.IMAGE_MEAN_DEFAULT, 3),
                    reader.floats(ConfKeys.IMAGE_STD, ConfKeys.IMAGE_STD_DEFAULT, 3)));
    String names = reader.optional(ConfKeys.OUTPUT_NAMES);
    if (names != null) {
      builder.outputNames(reader.list(ConfKeys.OUTPUT_NAMES, "comma-separated column names"));
    }
    String shapes = reader.optional(ConfKeys.INPUT_SHAPE);
    if (shapes != null) {
      builder.inputShapes(parseShapes(shapes));
    }
    return builder.build();
  }

  /** Parses "a,b;c" into inputs [[a, b], [c]]: ';' separates inputs, ',' columns of one. */
  static List<List<String>> parseInputs(String features) {
    List<List<String>> inputs = new ArrayList<>();
    for (String group : features.split(";", -1)) {
      List<String> columns = new ArrayList<>();
      for (String column : group.split(",", -1)) {
        TorchScoreException.check(
            !column.isBlank(),
            "Invalid %s=%s: expected columns separated by ',' (one input) or ';' (several inputs)",
            ConfKeys.FEATURES,
            features);
        columns.add(column.trim());
      }
      inputs.add(columns);
    }
    return inputs;
  }

  private static List<List<Long>> parseShapes(String shapes) {
    List<List<Long>> parsed = new ArrayList<>();
    for (String shape : shapes.split(";", -1)) {
      List<Long> dims = new ArrayList<>();
      for (String dim : shape.split(",", -1)) {
        try {
          long value = Long.parseLong(dim.trim());
          TorchScoreException.check(value > 0, "Invalid %s=%s: dimensions must be > 0", ConfKeys.INPUT_SHAPE, shapes);
          dims.add(value);
        } catch (NumberFormatException e) {
          throw new TorchScoreException(
              "Invalid %s=%s: expected a per-row shape such as 3,32,32 (';' between inputs)",
              ConfKeys.INPUT_SHAPE,
              shapes);
        }
      }
      parsed.add(dims);
    }
    return parsed;
  }

  /** Returns the model's location: a local path or Hadoop FS URI. */
  public String modelPath() {
    return modelPath;
  }

  /** Returns the model file's pinned SHA-256 (lower-case hex), or null when not pinned. */
  public String modelSha256() {
    return modelSha256;
  }

  /** Returns the model's inputs in order, each the columns that make it. */
  public List<List<String>> inputs() {
    return inputs;
  }

  /** Returns each input's per-row shape, or an empty list when none was declared. */
  public List<List<Long>> inputShapes() {
    return inputShapes;
  }

  /** Returns the input tensors' type: auto, float32 or int64. */
  public String inputDtype() {
    return inputDtype;
  }

  /** Returns the prediction column's name. */
  public String predictionColumn() {
    return predictionColumn;
  }

  /** Returns the configured names of a multi-output model's columns, or an empty list. */
  public List<String> outputNames() {
    return outputNames;
  }

  /** Returns whether a multi-output model's outputs go in one struct column. */
  public boolean outputStruct() {
    return outputStruct;
  }

  /** Returns the post-processing of a classifier's scores. */
  public Postprocess postprocess() {
    return postprocess;
  }

  /** Returns k for top-k post-processing. */
  public int topK() {
    return topK;
  }

  /** Returns the class labels file, or null. */
  public String labelsPath() {
    return labelsPath;
  }

  /** Returns what a bad row does. */
  public OnError onError() {
    return onError;
  }

  /** Returns the name of the column that says why a row has no prediction. */
  public String errorColumn() {
    return errorColumn;
  }

  /** Returns the column that names a row in messages, or null. */
  public String keyColumn() {
    return keyColumn;
  }

  /** Returns whether NaN and infinite features make a row bad. */
  public boolean rejectNaN() {
    return rejectNaN;
  }

  /** Returns the rows per forward call. */
  public int batchSize() {
    return batchSize;
  }

  /** Returns the most bytes one batch's input tensors may take; large rows get fewer rows. */
  public int batchMaxBytes() {
    return batchMaxBytes;
  }

  /** Returns libtorch's intra-op threads per executor JVM, 0 to derive them from spark.task.cpus. */
  public int threads() {
    return threads;
  }

  /** Returns the executor-local folder models are copied to, or null for each executor's own. */
  public String cacheDir() {
    return cacheDir;
  }

  /** Returns how image inputs are preprocessed. */
  public ImageSettings image() {
    return image;
  }

  @Override
  public String toString() {
    return "ScoreSettings{model="
        + Redaction.uri(modelPath)
        + ", inputs="
        + inputs
        + ", batchSize="
        + batchSize
        + ", onError="
        + onError
        + ", postprocess="
        + postprocess
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

    private String modelPath;
    private String modelSha256;
    private List<List<String>> inputs;
    private List<List<Long>> inputShapes = List.of();
    private String inputDtype = ConfKeys.INPUT_DTYPE_DEFAULT;
    private String predictionColumn = ConfKeys.PREDICTION_COLUMN_DEFAULT;
    private List<String> outputNames = List.of();
    private boolean outputStruct;
    private Postprocess postprocess = Postprocess.NONE;
    private int topK = ConfKeys.TOPK_DEFAULT;
    private String labelsPath;
    private OnError onError = OnError.FAIL;
    private String errorColumn = ConfKeys.ERROR_COLUMN_DEFAULT;
    private String keyColumn;
    private boolean rejectNaN;
    private int batchSize = ConfKeys.BATCH_SIZE_DEFAULT;
    private int batchMaxBytes = ConfKeys.BATCH_MAX_BYTES_DEFAULT;
    private int threads = ConfKeys.THREADS_DEFAULT;
    private String cacheDir = ConfKeys.CACHE_DIR_DEFAULT;
    private ImageSettings image = ImageSettings.defaults();

    protected Builder() {}

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
      this.modelPath = path;
      return self();
    }

    /** Pins the model file's SHA-256 (hex): the driver fails when the file has another one. */
    public B modelSha256(String sha256) {
      this.modelSha256 = sha256;
      return self();
    }

    /** Sets one array, vector or binary-image column as the model's only input. */
    public B featuresCol(String column) {
      this.inputs = List.of(List.of(column));
      return self();
    }

    /** Sets numeric columns assembled, in order, into the model's only input. */
    public B featuresCols(String... columns) {
      this.inputs = List.of(Arrays.asList(columns));
      return self();
    }

    /** Sets several model inputs, in the order of forward()'s arguments, each its columns. */
    public B inputs(List<List<String>> inputs) {
      this.inputs = inputs;
      return self();
    }

    /** Sets each input's per-row shape, e.g. [[3, 32, 32]] to reshape a flat array of 3072. */
    public B inputShapes(List<List<Long>> shapes) {
      this.inputShapes = shapes;
      return self();
    }

    /** Sets the input tensors' type: auto (int64 for integer columns, else float32), float32 or int64. */
    public B inputDtype(String dtype) {
      this.inputDtype = dtype;
      return self();
    }

    /** Sets the prediction column's name (default {@code prediction}). */
    public B predictionCol(String column) {
      this.predictionColumn = column;
      return self();
    }

    /** Sets the column names of a multi-output model's outputs. */
    public B outputNames(List<String> names) {
      this.outputNames = names;
      return self();
    }

    /** Puts a multi-output model's outputs in one struct column instead of one column each. */
    public B outputStruct(boolean struct) {
      this.outputStruct = struct;
      return self();
    }

    /** Sets the post-processing of a classifier's scores. */
    public B postprocess(Postprocess postprocess) {
      this.postprocess = postprocess;
      return self();
    }

    /** Sets k for {@link Postprocess#TOPK} (default 5). */
    public B topK(int k) {
      this.topK = k;
      return self();
    }

    /** Sets a text file of class labels, one per line, for argmax and topk. */
    public B labelsPath(String path) {
      this.labelsPath = path;
      return self();
    }

    /** Sets what a bad row does (default {@link OnError#FAIL}). */
    public B onError(OnError policy) {
      this.onError = policy;
      return self();
    }

    /** Sets the name of the column that says why a row has no prediction (default {@code _error}). */
    public B errorColumn(String column) {
      this.errorColumn = column;
      return self();
    }

    /** Sets a column whose value names a row in error messages. */
    public B keyColumn(String column) {
      this.keyColumn = column;
      return self();
    }

    /** Makes rows with NaN or infinite features bad rows (default: they go to the model). */
    public B rejectNaN(boolean reject) {
      this.rejectNaN = reject;
      return self();
    }

    /** Sets the rows per forward call (default 4096, capped by batchMaxBytes). */
    public B batchSize(int rows) {
      this.batchSize = rows;
      return self();
    }

    /** Caps a batch's input tensors at this many bytes (default 8 MiB): fewer rows when rows are large. */
    public B batchMaxBytes(int bytes) {
      this.batchMaxBytes = bytes;
      return self();
    }

    /** Sets libtorch's intra-op threads per executor JVM (default: spark.task.cpus). */
    public B threads(int count) {
      this.threads = count;
      return self();
    }

    /** Sets the executor-local folder models are copied to (default: each executor's own). */
    public B cacheDir(String dir) {
      this.cacheDir = dir;
      return self();
    }

    /** Sets how image inputs are resized, cropped and normalised. */
    public B image(ImageSettings settings) {
      this.image = settings;
      return self();
    }
  }
}
