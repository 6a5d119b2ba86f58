package io.torchscore.job;

import java.util.Map;
import org.apache.spark.SparkConf;

/**
 * The glibc malloc settings the job gives its executors, so that an executor keeps its native
 * memory flat while it loads and closes many models, and its tensors do not pay for fresh pages on
 * every forward. With glibc's defaults each thread's arena serves blocks under a threshold that
 * rises with each large block freed (up to 32 MB), and larger ones get mappings of their own:
 * ResNet-18's activations were mapped and unmapped on every forward (4-5 x slower at batch 256),
 * and a model's weights, once freed, left holes in one thread's arena that the next model,
 * allocated on another thread, did not reuse (RSS grew by one model now and then). One arena
 * ({@code MALLOC_ARENA_MAX=1}) that keeps what is freed for reuse ({@code MALLOC_MMAP_THRESHOLD_}
 * and {@code MALLOC_TRIM_THRESHOLD_} above any block) gives both back: RSS settles at the
 * executor's high-water mark.
 *
 * <p>Environment variables are read when an executor's process starts: they reach executors that
 * this application launches ({@code spark.executorEnv.*}), not the driver's own JVM in local mode
 * nor a cluster's existing executors (set them on the cluster there). A value the user set wins.
 */
public final class ExecutorAllocator {

  /** The environment variables and their values. */
  public static final Map<String, String> ENV = Map.of("MALLOC_ARENA_MAX", "1", "MALLOC_MMAP_THRESHOLD_", "4294967296", "MALLOC_TRIM_THRESHOLD_", "68719476736");

  private ExecutorAllocator() {}

  /**
   * Sets {@code spark.executorEnv.*} for each variable the user has not set.
   *
   * @param conf the job's Spark conf, before the session starts
   */
  static void setDefaults(SparkConf conf) {
    ENV.forEach((name, value) -> conf.setIfMissing("spark.executorEnv." + name, value));
  }
}
