package io.torchscore.config;

import io.torchscore.TorchScoreException;
import io.torchscore.config.ScoreSettings.OnError;
import io.torchscore.config.ScoreSettings.Postprocess;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The setters of the scoring settings, shared by {@link ScoreSettings#builder()} and the scorer's
 * own builder: one named setter per setting a library user sets in code, {@link #set} for any
 * setting by its declaration and {@link #option} for any by its conf key. Each value is checked
 * by its {@link Setting} as it is set, so a bad value fails here, with the message the conf gives.
 *
 * @param <B> the concrete builder, returned by each setter
 */
public abstract class ScoreSettingsBuilder<B extends ScoreSettingsBuilder<B>> {

  private final Map<String, Object> values = new HashMap<>();

  /** Starts with every scoring setting at its default. */
  protected ScoreSettingsBuilder() {
    for (Setting<?> setting : ConfKeys.all(Setting.Scope.SCORING)) {
      values.put(setting.key(), setting.defaultValue());
    }
  }

  /**
   * Sets any scoring setting by its declaration, e.g. {@code set(ConfKeys.BATCH_SIZE, 1024)}.
   *
   * @param setting a scoring setting from {@link ConfKeys}
   * @param value its value; null unsets an optional setting
   * @param <T> its type
   * @return this builder
   * @throws TorchScoreException naming the key and what it expects when the value is invalid, or
   *     when the setting is one of the job's
   */
  public <T> B set(Setting<T> setting, T value) {
    TorchScoreException.check(
        setting.scope() == Setting.Scope.SCORING,
        "Cannot set %s here: it is a job setting (input or output)",
        setting);
    values.put(setting.key(), setting.check(value));
    return self();
  }

  @SuppressWarnings("unchecked")
  private B self() {
    return (B) this;
  }

  /** Builds the settings from what is set. */
  protected ScoreSettings buildSettings() {
    return new ScoreSettings(values);
  }

  /** Sets the model's location: a local path or any Hadoop FS URI. */
  public B modelPath(String path) {
    return set(ConfKeys.MODEL_PATH, path);
  }

  /** Pins the model file's SHA-256 (hex): the driver fails when the file has another one. */
  public B modelSha256(String sha256) {
    return set(ConfKeys.MODEL_SHA256, sha256 == null ? null : ConfKeys.MODEL_SHA256.parse(sha256.trim()));
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

  /** Sets a fixed number of rows per forward call (capped by batchMaxBytes), instead of the default auto. */
  public B batchSize(int rows) {
    return set(ConfKeys.BATCH_SIZE, BatchSize.of(rows));
  }

  /** Sets the rows per forward call, or {@link BatchSize#AUTO} for each executor to choose them. */
  public B batchSize(BatchSize size) {
    return set(ConfKeys.BATCH_SIZE, size);
  }

  /**
   * Caps a batch's input tensors at this many bytes (default 8 MiB on a CPU, 1 GiB on a GPU):
   * fewer rows when rows are large.
   */
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
    return setText(ConfKeys.named(key), value);
  }

  private <T> B setText(Setting<T> setting, String value) {
    return set(setting, setting.parse(value.trim()));
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
