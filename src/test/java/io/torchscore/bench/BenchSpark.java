package io.torchscore.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/** The embedded Spark session every Spark mode runs in, the same for all of them. */
final class BenchSpark {

  private BenchSpark() {}

  /**
   * Starts a session on {@code master}, UI off.
   *
   * @param master e.g. {@code local[2]}: one executor, two task slots
   * @param maxPartitionBytes when positive, Spark's file split size: set just above the largest
   *     input file, so that each file is one task (Spark would otherwise pack small files into
   *     fewer, unequal tasks, and the modes would differ by scheduling rather than by work)
   */
  static SparkSession session(String master, long maxPartitionBytes) {
    SparkSession.Builder builder =
        SparkSession.builder()
            .master(master)
            .appName("torchscore-bench")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "2");
    if (maxPartitionBytes > 0) {
      builder.config("spark.sql.files.maxPartitionBytes", Long.toString(maxPartitionBytes));
    }
    return builder.getOrCreate();
  }

  /** Returns a split size just above the largest Parquet file under the folders. */
  static long splitAbove(Path... tables) {
    long largest = 0;
    for (Path table : tables) {
      try (Stream<Path> files = Files.list(table)) {
        for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".parquet"))::iterator) {
          largest = Math.max(largest, Files.size(file));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return largest + (1 << 20);
  }
}
