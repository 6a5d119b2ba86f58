package io.torchscore.config;

/** The Spark conf keys torchscore reads, each beside its default. */
public final class ConfKeys {

  /** The prefix of every torchscore key. */
  public static final String PREFIX = "spark.torchscore.";

  // Local path or any Hadoop FS URI of a TorchScript file (torch.jit.save output).
  public static final String MODEL_PATH = PREFIX + "model.path";

  // One array column, or a comma-separated list of numeric columns assembled in order.
  public static final String FEATURES = PREFIX + "features";

  // Per-row shape of each input, ';' between inputs: "3,32,32" reshapes a flat array of 3072.
  public static final String INPUT_SHAPE = PREFIX + "input.shape";

  // Tensor type: auto (int64 for integer columns, else float32), float32 or int64.
  public static final String INPUT_DTYPE = PREFIX + "input.dtype";
  public static final String INPUT_DTYPE_DEFAULT = "auto";

  // Image inputs (binary columns of JPEG/PNG): shorter side resized to, then center-cropped to.
  public static final String IMAGE_RESIZE = PREFIX + "image.resize";
  public static final int IMAGE_RESIZE_DEFAULT = 256;
  public static final String IMAGE_CROP = PREFIX + "image.crop";
  public static final int IMAGE_CROP_DEFAULT = 224;
  public static final String IMAGE_MEAN = PREFIX + "image.mean";
  public static final String IMAGE_MEAN_DEFAULT = "0.485,0.456,0.406";
  public static final String IMAGE_STD = PREFIX + "image.std";
  public static final String IMAGE_STD_DEFAULT = "0.229,0.224,0.225";

  // Name of the appended prediction column.
  public static final String PREDICTION_COLUMN = PREFIX + "prediction.column";
  public static final String PREDICTION_COLUMN_DEFAULT = "prediction";

  // Names of a multi-output model's columns; default the dict's keys or output_0..n.
  public static final String OUTPUT_NAMES = PREFIX + "output.names";

  // columns: one column per model output; struct: one struct column named prediction.column.
  public static final String OUTPUT_LAYOUT = PREFIX + "output.layout";
  public static final String OUTPUT_LAYOUT_DEFAULT = "columns";

  // none, softmax, argmax or topk, applied to a single-output classifier's scores.
  public static final String POSTPROCESS = PREFIX + "postprocess";
  public static final String POSTPROCESS_DEFAULT = "none";
  public static final String TOPK = PREFIX + "topk";
  public static final int TOPK_DEFAULT = 5;
  // A text file, one class label per line, for argmax and topk.
  public static final String LABELS_PATH = PREFIX + "labels.path";

  // What a bad row does: fail the job, skip the row, or keep it with null predictions.
  public static final String ON_ERROR = PREFIX + "on.error";
  public static final String ON_ERROR_DEFAULT = "fail";
  // Column saying why a row has no prediction (on.error=null) or was rejected (skip).
  public static final String ERROR_COLUMN = PREFIX + "error.column";
  public static final String ERROR_COLUMN_DEFAULT = "_error";
  // A column whose value identifies a row in error messages.
  public static final String KEY_COLUMN = PREFIX + "key.column";
  // allow: NaN/Inf go to the model; reject: such a row is a bad row.
  public static final String NAN = PREFIX + "nan";
  public static final String NAN_DEFAULT = "allow";

  // Rows per forward call (capped by batch.max.bytes); 4096 was the MLP sweep's best on 2 cores.
  public static final String BATCH_SIZE = PREFIX + "batch.size";
  public static final int BATCH_SIZE_DEFAULT = 4096;

  // Caps the rows per forward so one batch's input tensors stay within this many bytes: large
  // rows (images) get small batches, small rows the full batch.size.
  public static final String BATCH_MAX_BYTES = PREFIX + "batch.max.bytes";
  public static final int BATCH_MAX_BYTES_DEFAULT = 8 << 20;

  // libtorch intra-op threads per executor JVM; 0 derives them from spark.task.cpus.
  public static final String THREADS = PREFIX + "threads";
  public static final int THREADS_DEFAULT = 0;

  // Folder on each executor where models are copied before loading.
  public static final String CACHE_DIR = PREFIX + "cache.dir";
  public static final String CACHE_DIR_DEFAULT =
      System.getProperty("java.io.tmpdir") + "/torchscore-cache";

  public static final String INPUT_PATH = PREFIX + "input.path";
  public static final String INPUT_FORMAT = PREFIX + "input.format";
  public static final String INPUT_FORMAT_DEFAULT = "parquet";
  // Reader options: spark.torchscore.input.option.header=true becomes option("header", "true").
  public static final String INPUT_OPTION_PREFIX = PREFIX + "input.option.";

  public static final String OUTPUT_PATH = PREFIX + "output.path";
  public static final String OUTPUT_FORMAT = PREFIX + "output.format";
  public static final String OUTPUT_FORMAT_DEFAULT = "parquet";
  // errorifexists, overwrite, append or ignore, as Spark's DataFrameWriter.mode.
  public static final String OUTPUT_MODE = PREFIX + "output.mode";
  public static final String OUTPUT_MODE_DEFAULT = "errorifexists";

  // Where skipped rows and their reasons are written (on.error=skip); unset writes none.
  public static final String REJECTS_PATH = PREFIX + "rejects.path";
  // Format of the rejects; default the output format.
  public static final String REJECTS_FORMAT = PREFIX + "rejects.format";

  // The job fails without writing its output when more than this share of the rows are bad.
  public static final String MAX_BAD_FRACTION = PREFIX + "max.bad.fraction";
  public static final double MAX_BAD_FRACTION_DEFAULT = 1.0;
  // The job fails without writing its output when more than this many rows are bad; -1: no limit.
  public static final String MAX_BAD_ROWS = PREFIX + "max.bad.rows";
  public static final long MAX_BAD_ROWS_DEFAULT = -1;

  // Where the run report is written as JSON; unset writes none.
  public static final String REPORT_PATH = PREFIX + "report.path";

  /** Spark's own key for the cores each task holds. */
  public static final String SPARK_TASK_CPUS = "spark.task.cpus";

  private ConfKeys() {}

  /**
   * Returns the keys of the scoring settings (not the job's input and output), as read by
   * {@link ScoreSettings#fromConf}.
   *
   * @return the keys
   */
  public static java.util.List<String> scoringKeys() {
    return java.util.List.of(
        MODEL_PATH, FEATURES, INPUT_SHAPE, INPUT_DTYPE, IMAGE_RESIZE, IMAGE_CROP, IMAGE_MEAN,
        IMAGE_STD, PREDICTION_COLUMN, OUTPUT_NAMES, OUTPUT_LAYOUT, POSTPROCESS, TOPK, LABELS_PATH,
        ON_ERROR, ERROR_COLUMN, KEY_COLUMN, NAN, BATCH_SIZE, BATCH_MAX_BYTES, THREADS, CACHE_DIR);
  }
}
