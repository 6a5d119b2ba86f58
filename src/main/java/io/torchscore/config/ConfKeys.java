package io.torchscore.config;

/** The Spark conf keys torchscore reads, each beside its default. */
public final class ConfKeys {

  /** The prefix of every torchscore key. */
  public static final String PREFIX = "spark.torchscore.";

  // Local path or any Hadoop FS URI of a TorchScript file (torch.jit.save output).
  public static final String MODEL_PATH = PREFIX + "model.path";

  // One array column, or a comma-separated list of numeric columns assembled in order.
  public static final String FEATURES = PREFIX + "features";

  // Name of the appended prediction column.
  public static final String PREDICTION_COLUMN = PREFIX + "prediction.column";
  public static final String PREDICTION_COLUMN_DEFAULT = "prediction";

  // Rows per forward call.
  public static final String BATCH_SIZE = PREFIX + "batch.size";
  public static final int BATCH_SIZE_DEFAULT = 256;

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

  // Where the run report is written as JSON; unset writes none.
  public static final String REPORT_PATH = PREFIX + "report.path";

  /** Spark's own key for the cores each task holds. */
  public static final String SPARK_TASK_CPUS = "spark.task.cpus";

  private ConfKeys() {}
}
