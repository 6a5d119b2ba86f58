package io.torchscore.config;

import io.torchscore.TorchScoreException;
import io.torchscore.config.Setting.Scope;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every setting torchscore reads, each declared once with its key, type, default and one line of
 * documentation. {@link ScoreSettings} and {@link JobSettings} read them, the job's {@code --help}
 * lists them and a test holds README's table to them. An unknown {@code spark.torchscore.*} key is
 * an error ({@link #checkKnown}).
 */
public final class ConfKeys {

  /** The prefix of every torchscore key. */
  public static final String PREFIX = "spark.torchscore.";

  private static final List<Setting<?>> ALL = new ArrayList<>();

  // ---- the model and its inputs

  public static final Setting<String> MODEL_PATH =
      string("model.path", null, "required",
          "TorchScript file (torch.jit.script/trace + save), or an ONNX file with engine=onnxruntime:"
              + " local path or any Hadoop FS URI");

  public static final Setting<String> MODEL_SHA256 =
      setting("model.sha256", String.class, null, "none", ConfKeys::parseSha256, Scope.SCORING,
          "the model file's expected SHA-256 (hex): the driver fails when the file has another one");

  public static final Setting<List<List<String>>> FEATURES =
      setting("features", List.class, null, "required", ConfKeys::parseInputs, Scope.SCORING,
          "the model's inputs in forward() order, ';' between inputs; each an array, vector or"
              + " image column, or numeric columns assembled in order");

  public static final Setting<List<List<Long>>> INPUT_SHAPE =
      setting("input.shape", List.class, List.of(), "the column's length", ConfKeys::parseShapes, Scope.SCORING,
          "per-row shape of each input (';' between inputs), to reshape a flat array");

  public static final Setting<String> INPUT_DTYPE =
      choice("input.dtype", "auto",
          "auto: int64 tensors for integer columns, float32 otherwise; or force float32 / int64",
          "auto", "float32", "int64");

  public static final Setting<Integer> IMAGE_RESIZE =
      positiveInt("image.resize", 256, "image inputs: the shorter side is resized to this");

  public static final Setting<Integer> IMAGE_CROP =
      positiveInt("image.crop", 224, "image inputs: then center-cropped to this square");

  public static final Setting<float[]> IMAGE_MEAN =
      floats("image.mean", "0.485,0.456,0.406", "image inputs: per-channel (RGB) mean");

  public static final Setting<float[]> IMAGE_STD =
      floats("image.std", "0.229,0.224,0.225", "image inputs: per-channel (RGB) standard deviation");

  // ---- where and how the model runs

  public static final Setting<String> ENGINE =
      choice("engine", "pytorch",
          "pytorch: a TorchScript file run by libtorch; onnxruntime: an .onnx file run by ONNX Runtime",
          "pytorch", "onnxruntime");

  public static final Setting<String> ONNXRUNTIME_PROVIDER =
      choice("onnxruntime.provider", "cuda",
          "engine=onnxruntime on a GPU: ONNX Runtime's cuda or tensorrt execution provider",
          "cuda", "tensorrt");

  public static final Setting<String> DEVICE =
      choice("device", "auto",
          "auto: the GPU Spark assigned to the task when CUDA can use it, else the CPU; cpu; gpu:"
              + " fail unless each task gets a usable GPU",
          "auto", "cpu", "gpu");

  public static final Setting<String> PRECISION =
      choice("precision", "auto",
          "auto: the model's own dtype; fp32; fp16: cast a float32 model to half precision once"
              + " at load (not bf16: DJL 0.36's PyTorch JNI terminates the JVM on bfloat16 tensors)",
          "auto", "fp32", "fp16");

  // Forwards in flight per GPU, so tasks sharing a card do not run it out of memory.
  public static final Setting<Integer> GPU_CONCURRENCY =
      positiveInt("gpu.concurrency", 1,
          "forwards in flight per GPU; tasks sharing a GPU wait for a slot (the wait is measured)");

  // auto: the best size differs by an order of magnitude between models and devices, and in
  // jobs/bench auto came within 5 % of the best fixed size for both models (docs/performance.md).
  public static final Setting<BatchSize> BATCH_SIZE =
      declare("batch.size", BatchSize.class, BatchSize.AUTO, "auto", BatchSize::parse, BatchSize::valid,
          "a whole number > 0 or auto", Scope.SCORING,
          "rows per forward call (capped by batch.max.bytes), or auto: each executor times the model"
              + " on its device with growing batches of its first rows and keeps the fastest (or a larger"
              + " size within 5 % of it)");

  /** batch.max.bytes when unset, on a CPU: large rows (images) get small batches there. */
  public static final int BATCH_MAX_BYTES_CPU = 8 << 20;

  /** batch.max.bytes when unset, on a GPU: ResNet-18's 224 x 224 float images fill 1,782 rows. */
  public static final int BATCH_MAX_BYTES_GPU = 1 << 30;

  // Unset, it follows the device: a CPU's small caches, a GPU's wide parallelism.
  public static final Setting<Integer> BATCH_MAX_BYTES =
      declare("batch.max.bytes", Integer.class, null, "8388608 on a CPU, 1073741824 on a GPU", ConfKeys::integer,
          bytes -> bytes > 0, "a whole number > 0", Scope.SCORING, "caps a batch's input tensors at this many bytes");

  // 64 MiB: two batches (prefetch) per task, a few tasks per executor, stay well inside a heap of
  // a few GiB, while rows of up to 16 KiB still fill a batch of 4096.
  public static final Setting<Integer> BATCH_ROWS_MAX_BYTES =
      positiveInt("batch.rows.max.bytes", 64 << 20,
          "caps the input rows a batch holds on the heap (every column it holds) at this many bytes");

  public static final Setting<Integer> THREADS =
      declare("threads", Integer.class, 0, "spark.task.cpus", ConfKeys::integer, count -> count >= 0,
          "a whole number >= 0", Scope.SCORING,
          "libtorch intra-op threads per executor JVM; 0 derives them from spark.task.cpus");

  // Unset, each executor uses torchscore-cache-<OS user> in its own java.io.tmpdir.
  public static final Setting<String> CACHE_DIR =
      string("cache.dir", null, "each executor's $TMPDIR/torchscore-cache-<user>",
          "executor-local folder models (and DJL's native library) are copied to");

  // Bounds native memory on long-lived clusters that score many (retrained) models.
  public static final Setting<Integer> CACHE_MODELS =
      positiveInt("cache.models", 2,
          "loaded models kept per executor JVM and device; the least recently used is closed");

  // ---- outputs

  public static final Setting<String> PREDICTION_COLUMN =
      declare("prediction.column", String.class, "prediction", "prediction", (key, value) -> value,
          name -> !name.isBlank(), "a column name", Scope.SCORING,
          "name of the prediction column (of the struct, for output.layout=struct)");

  public static final Setting<List<String>> OUTPUT_NAMES =
      setting("output.names", List.class, List.of(), "dict keys", ConfKeys::parseNames,
          Scope.SCORING, "column names of a model returning a tuple or a dict");

  public static final Setting<String> OUTPUT_LAYOUT =
      choice("output.layout", "columns",
          "columns: one column per output; struct: one struct column", "columns", "struct");

  public static final Setting<String> POSTPROCESS =
      choice("postprocess", "none",
          "on a classifier's scores: softmax, argmax (index and label), topk (the k highest scores"
              + " as the model returns them) or softmax+topk (the k highest probabilities)",
          "none", "softmax", "argmax", "topk", "softmax+topk");

  public static final Setting<Integer> TOPK =
      positiveInt("topk", 5, "k for postprocess=topk and postprocess=softmax+topk");

  public static final Setting<String> LABELS_PATH =
      string("labels.path", null, "none",
          "text file, one class label per line, for argmax, topk and softmax+topk");

  // Unset, every input column is written beside the predictions, as before this setting existed.
  public static final Setting<List<String>> OUTPUT_COLUMNS =
      setting("output.columns", List.class, List.of(), "all input columns", ConfKeys::parseNames, Scope.SCORING,
          "the input columns written beside the predictions, comma-separated (e.g. id); the others"
              + " are read only when scoring needs them and never written");

  // ---- bad rows

  public static final Setting<String> ON_ERROR =
      choice("on.error", "fail",
          "a bad row: fail stops the job naming it; null keeps it with null predictions; skip"
              + " leaves it out (and writes it to the rejects)",
          "fail", "skip", "null");

  public static final Setting<String> ERROR_COLUMN =
      string("error.column", "_error", "_error", "the column saying why a row has no prediction");

  public static final Setting<String> KEY_COLUMN =
      string("key.column", null, "none", "a column whose value names a row in failure messages");

  public static final Setting<String> NAN =
      choice("nan", "allow", "reject makes a NaN or infinite feature a bad row", "allow", "reject");

  // ---- the job: input and output

  public static final Setting<String> INPUT_PATH =
      job("input.path", null, "required (job)", "table to read");

  public static final Setting<String> INPUT_FORMAT =
      job("input.format", "parquet", "parquet", "any Spark source");

  /** Reader options: {@code spark.torchscore.input.option.header=true} is option("header", "true"). */
  public static final String INPUT_OPTION_PREFIX = PREFIX + "input.option.";

  public static final Setting<String> OUTPUT_PATH =
      job("output.path", null, "required (job)", "where to write");

  public static final Setting<String> OUTPUT_FORMAT =
      job("output.format", "parquet", "parquet", "any Spark sink");

  public static final Setting<String> OUTPUT_MODE =
      declare("output.mode", String.class, "errorifexists", "errorifexists", (key, value) -> value, null, null,
          Scope.JOB, "errorifexists, overwrite, append or ignore", "errorifexists", "overwrite", "append", "ignore");

  public static final Setting<String> REJECTS_PATH =
      job("rejects.path", null, "none", "with on.error=skip: where the skipped rows go");

  public static final Setting<String> REJECTS_FORMAT =
      job("rejects.format", null, "the output format", "format of the rejects");

  // Past either limit the job fails without committing its output.
  public static final Setting<Double> MAX_BAD_FRACTION =
      declare("max.bad.fraction", Double.class, 1.0, "1 (no limit)", (key, value) -> Double.parseDouble(value),
          share -> share >= 0 && share <= 1, "a number from 0 to 1 (1: no limit)", Scope.JOB,
          "the job fails without writing its output when more than this share of the rows are bad");

  public static final Setting<Long> MAX_BAD_ROWS =
      declare("max.bad.rows", Long.class, -1L, "-1 (no limit)", (key, value) -> Long.parseLong(value.trim()),
          rows -> rows >= -1, "a whole number >= 0 (-1: no limit)", Scope.JOB,
          "the job fails without writing its output when more than this many rows are bad");

  public static final Setting<String> REPORT_PATH =
      job("report.path", null, "none", "write the run summary as JSON here");

  // With output.mode=overwrite only the partitions this run writes are replaced: a re-run for one
  // date replaces that date alone.
  public static final Setting<List<String>> OUTPUT_PARTITION_BY =
      setting("output.partition.by", List.class, List.of(), "none", ConfKeys::parseNames, Scope.JOB,
          "columns to partition the output (and the rejects) by; an overwrite replaces only the"
              + " partitions present in this run's input");

  // ---- profiling

  public static final Setting<Boolean> COLUMNAR =
      setting("columnar", Boolean.class, true, "true", ConfKeys::trueOrFalse, Scope.SCORING,
          "read the input's columnar batches where its scan gives them (Parquet, ORC, Delta, a cached"
              + " table of atomic columns): no row is copied; false scores rows on every input"
              + " (explain() shows which: torchscore (columnar) or torchscore)");

  public static final Setting<Boolean> PROFILE =
      setting("profile", Boolean.class, false, "false", ConfKeys::trueOrFalse, Scope.SCORING,
          "record libtorch's profiler around the first profile.batches forward calls of each executor"
              + " and write a Chrome trace per executor to profile.dir");

  public static final Setting<Integer> PROFILE_BATCHES =
      positiveInt("profile.batches", 5, "forward calls each executor records with profile=true");

  public static final Setting<String> PROFILE_DIR =
      string("profile.dir", null, "the report's folder (job), else each executor's working directory",
          "folder (any Hadoop FS URI) the profiler's traces are copied to");

  /** Spark's own key for the cores each task holds. */
  public static final String SPARK_TASK_CPUS = "spark.task.cpus";

  private ConfKeys() {}

  /**
   * Returns every setting, in declaration order.
   *
   * @return the settings
   */
  public static List<Setting<?>> all() {
    return Collections.unmodifiableList(ALL);
  }

  /**
   * Returns the settings of one scope.
   *
   * @param scope scoring or job
   * @return the settings, in declaration order
   */
  public static List<Setting<?>> all(Scope scope) {
    return ALL.stream().filter(s -> s.scope() == scope).toList();
  }

  /**
   * Fails on a {@code spark.torchscore.*} key that is not a setting, naming the closest one: a
   * typo must not be silently ignored.
   *
   * @param conf conf entries, of which only torchscore's keys are checked
   * @throws TorchScoreException naming the unknown key and the closest known key
   */
  public static void checkKnown(Map<String, String> conf) {
    for (String key : conf.keySet()) {
      if (!key.startsWith(PREFIX) || key.startsWith(INPUT_OPTION_PREFIX)) {
        continue;
      }
      if (ALL.stream().noneMatch(s -> s.key().equals(key))) {
        throw unknown(key);
      }
    }
  }

  /**
   * Returns the setting of a conf key or of its short name, as Spark ML params are named.
   *
   * @param name the key ({@code spark.torchscore.batch.size}) or short name ({@code batch.size})
   * @return the setting
   * @throws TorchScoreException naming the closest setting when there is none of that name
   */
  public static Setting<?> named(String name) {
    String key = name.startsWith(PREFIX) ? name : PREFIX + name;
    return ALL.stream().filter(s -> s.key().equals(key)).findFirst().orElseThrow(() -> unknown(key));
  }

  private static TorchScoreException unknown(String key) {
    return new TorchScoreException(
        "Unknown setting %s: did you mean %s? Every key is listed by jobs/score --help", key, closest(key));
  }

  private static String closest(String key) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (Setting<?> setting : ALL) {
      int distance = distance(key, setting.key());
      if (distance < bestDistance) {
        best = setting.key();
        bestDistance = distance;
      }
    }
    return best;
  }

  /** Levenshtein's edit distance. */
  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  // ---- declarations

  private static <T> Setting<T> declare(
      String name,
      Class<?> type,
      T defaultValue,
      String defaultText,
      Setting.Parser<T> parser,
      Setting.Condition<T> condition,
      String expected,
      Scope scope,
      String doc,
      String... allowed) {
    Setting<T> setting =
        new Setting<>(
            PREFIX + name, type, defaultValue, defaultText, parser, condition, expected, Arrays.asList(allowed),
            scope, doc);
    ALL.add(setting);
    return setting;
  }

  private static <T> Setting<T> setting(
      String name, Class<?> type, T defaultValue, String defaultText, Setting.Parser<T> parser, Scope scope,
      String doc) {
    return declare(name, type, defaultValue, defaultText, parser, null, null, scope, doc);
  }

  private static Setting<String> string(String name, String defaultValue, String defaultText, String doc) {
    return setting(name, String.class, defaultValue, defaultText, (key, value) -> value, Scope.SCORING, doc);
  }

  private static Setting<String> job(String name, String defaultValue, String defaultText, String doc) {
    return setting(name, String.class, defaultValue, defaultText, (key, value) -> value, Scope.JOB, doc);
  }

  private static Setting<String> choice(String name, String defaultValue, String doc, String... allowed) {
    return declare(
        name, String.class, defaultValue, defaultValue, (key, value) -> value, null, null, Scope.SCORING, doc,
        allowed);
  }

  private static Setting<Integer> positiveInt(String name, int defaultValue, String doc) {
    return declare(
        name, Integer.class, defaultValue, Integer.toString(defaultValue), ConfKeys::integer, count -> count > 0,
        "a whole number > 0", Scope.SCORING, doc);
  }

  private static Setting<float[]> floats(String name, String defaultValue, String doc) {
    return setting(
        name, float[].class, parseFloats(PREFIX + name, defaultValue), defaultValue, ConfKeys::parseFloats,
        Scope.SCORING, doc);
  }

  // ---- parsers

  private static int integer(String key, String value) {
    return Integer.parseInt(value.trim());
  }

  private static boolean trueOrFalse(String key, String value) {
    String lower = value.trim().toLowerCase(Locale.ROOT);
    TorchScoreException.check(
        lower.equals("true") || lower.equals("false"), "Invalid %s=%s: expected true or false", key, value);
    return Boolean.parseBoolean(lower);
  }

  private static String parseSha256(String key, String value) {
    TorchScoreException.check(
        value.matches("[0-9a-fA-F]{64}"),
        "Invalid %s=%s: expected the file's SHA-256 as 64 hex digits (sha256sum model.pt)",
        key,
        value);
    return value.toLowerCase(Locale.ROOT);
  }

  private static float[] parseFloats(String key, String value) {
    String[] parts = value.split(",");
    TorchScoreException.check(
        parts.length == 3, "Invalid %s=%s: expected 3 comma-separated numbers", key, value);
    float[] numbers = new float[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        numbers[i] = Float.parseFloat(parts[i].trim());
      } catch (NumberFormatException e) {
        throw new TorchScoreException("Invalid %s=%s: expected 3 comma-separated numbers", key, value);
      }
    }
    return numbers;
  }

  private static List<String> parseNames(String key, String value) {
    List<String> names = new ArrayList<>();
    for (String name : value.split(",", -1)) {
      TorchScoreException.check(
          !name.isBlank(), "Invalid %s=%s: expected comma-separated column names", key, value);
      names.add(name.trim());
    }
    return names;
  }

  /** Parses "a,b;c" into inputs [[a, b], [c]]: ';' separates inputs, ',' columns of one. */
  static List<List<String>> parseInputs(String key, String features) {
    List<List<String>> inputs = new ArrayList<>();
    for (String group : features.split(";", -1)) {
      List<String> columns = new ArrayList<>();
      for (String column : group.split(",", -1)) {
        TorchScoreException.check(
            !column.isBlank(),
            "Invalid %s=%s: expected columns separated by ',' (one input) or ';' (several inputs)",
            key,
            features);
        columns.add(column.trim());
      }
      inputs.add(List.copyOf(columns));
    }
    return List.copyOf(inputs);
  }

  private static List<List<Long>> parseShapes(String key, String shapes) {
    List<List<Long>> parsed = new ArrayList<>();
    for (String shape : shapes.split(";", -1)) {
      List<Long> dims = new ArrayList<>();
      for (String dim : shape.split(",", -1)) {
        long value;
        try {
          value = Long.parseLong(dim.trim());
        } catch (NumberFormatException e) {
          throw new TorchScoreException(
              "Invalid %s=%s: expected a per-row shape such as 3,32,32 (';' between inputs)", key, shapes);
        }
        TorchScoreException.check(value > 0, "Invalid %s=%s: dimensions must be > 0", key, shapes);
        dims.add(value);
      }
      parsed.add(List.copyOf(dims));
    }
    return List.copyOf(parsed);
  }

  /**
   * Returns a setting's allowed values or default for {@code --help}, e.g. {@code auto|cpu|gpu}.
   *
   * @param setting the setting
   * @return one line describing it
   */
  public static String describe(Setting<?> setting) {
    String values = setting.allowed().isEmpty() ? "" : " (" + String.join("|", setting.allowed()) + ")";
    return String.format(
        Locale.ROOT, "%s%s, default %s: %s", setting.key(), values, setting.defaultText(), setting.doc());
  }
}
