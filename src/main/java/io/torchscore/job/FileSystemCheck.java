package io.torchscore.job;

import io.torchscore.TorchScoreException;
import io.torchscore.config.Redaction;
import io.torchscore.config.Setting;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.util.VersionInfo;

/**
 * Checks, before any work, that the Hadoop FileSystem of each path's scheme is on the classpath
 * and takes the path: a missing connector (hadoop-aws for {@code s3a://}) or a malformed path is a
 * setup to fix, not a failure of the run.
 */
final class FileSystemCheck {

  private FileSystemCheck() {}

  /**
   * Fails unless the path's scheme has a FileSystem that takes the path.
   *
   * @param conf the Hadoop configuration the job uses
   * @param key the setting that gave the path
   * @param path the path, may be null (not set) or without a scheme (local)
   * @throws TorchScoreException naming the setting and the jar to add or what is wrong
   */
  static void check(Configuration conf, Setting<String> key, String path) {
    String scheme = path == null ? null : new Path(path).toUri().getScheme();
    if (scheme == null) {
      return;
    }
    try {
      FileSystem.getFileSystemClass(scheme, conf);
    } catch (IOException | RuntimeException e) {
      // Hadoop says "No FileSystem for scheme" (IOException) or wraps a ClassNotFoundException.
      throw new TorchScoreException(
          e,
          "Cannot use %s=%s: no Hadoop FileSystem for %s:// on the classpath (%s); %s",
          key,
          Redaction.uri(path),
          scheme,
          TorchScoreException.firstLine(e.getMessage()),
          fix(scheme));
    }
    Path qualified = new Path(path);
    try {
      qualified.getFileSystem(conf).makeQualified(qualified);
    } catch (IOException e) {
      // Reading or writing the path will say what is wrong with a better context.
      return;
    } catch (IllegalArgumentException e) {
      // Hadoop's "Wrong FS": an authority the FileSystem does not take (file://host/...).
      throw new TorchScoreException(
          e,
          "Cannot use %s=%s: %s; check the path",
          key,
          Redaction.uri(path),
          Redaction.uri(TorchScoreException.firstLine(e.getMessage())));
    }
  }

  private static String fix(String scheme) {
    String hadoop = VersionInfo.getVersion();
    return switch (scheme) {
      case "s3a", "s3n" -> connector("org.apache.hadoop:hadoop-aws:" + hadoop, hadoop);
      case "abfs", "abfss", "wasb", "wasbs" ->
          connector("org.apache.hadoop:hadoop-azure:" + hadoop, hadoop);
      case "gs" -> "add Google's GCS connector (com.google.cloud.bigdataoss:gcs-connector, hadoop3)";
      default -> "add the jar of a Hadoop FileSystem for " + scheme + ":// or use another path";
    };
  }

  private static String connector(String coordinates, String hadoop) {
    return String.format(
        "add %s (the same version as Spark's Hadoop, %s) and its dependencies,"
            + " e.g. spark-submit --packages %s",
        coordinates, hadoop, coordinates);
  }
}
