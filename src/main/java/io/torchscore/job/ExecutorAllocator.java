package io.torchscore.job;

import java.util.Map;
import org.apache.spark.SparkConf;

/**
 * The glibc malloc settings the job gives its executors, so that an executor that loads and closes
 * many models keeps its native memory flat. glibc raises its mmap threshold to the size of each
 * large block freed (up to 32 MB): after a model's weights are freed once, the next model's come
 * from malloc's arenas instead of their own mappings, and what an arena frees in its middle stays
 * resident. A fixed threshold ({@code MALLOC_MMAP_THRESHOLD_}, glibc's own default of 128 KiB)
 * keeps large blocks in mappings that go back to the system when freed; two arenas
 * ({@code MALLOC_ARENA_MAX}) stop each new task thread from keeping memory in an arena of its own.
 *
 * <p>Environment variables are read when an executor's process starts: they reach executors that
 * this application launches ({@code spark.executorEnv.*}), not the driver's own JVM in local mode
 * nor a cluster's existing executors (set them on the cluster there). A value the user set wins.
 */
public final class ExecutorAllocator {

  /** The environment variables and their values. */
  public static final Map<String, String> ENV = Map.of("MALLOC_MMAP_THRESHOLD_", "131072", "MALLOC_ARENA_MAX", "2");

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
