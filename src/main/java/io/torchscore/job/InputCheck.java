package io.torchscore.job;

import io.torchscore.TorchScoreException;
import io.torchscore.config.ConfKeys;
import io.torchscore.config.Redaction;
import java.io.IOException;
import java.util.Locale;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * Checks, before Spark reads it, that a file-based input exists and holds a data file, so that a
 * missing day or an empty folder is one line naming the path, not a reader's stack trace or an
 * empty schema that fails later on a missing column.
 */
final class InputCheck {

  // Formats whose input is files Spark lists itself; Delta's data files may legitimately be none.
  private static final Set<String> FILE_FORMATS = Set.of("parquet", "orc", "csv", "json", "text", "binaryfile", "avro");

  private InputCheck() {}

  /**
   * Fails unless the input path (or glob) matches something and, for plain file formats, holds a
   * file Spark would read (not hidden: no part of its path under the input starts with _ or .).
   *
   * @param conf the Hadoop configuration the job reads with
   * @param format {@code spark.torchscore.input.format}
   * @param path {@code spark.torchscore.input.path}
   * @throws TorchScoreException naming the path and the setting when it does not
   */
  static void check(Configuration conf, String format, String path) {
    String lowerFormat = format.toLowerCase(Locale.ROOT);
    if (!FILE_FORMATS.contains(lowerFormat) && !lowerFormat.equals("delta")) {
      return;
    }
    Path input = new Path(path);
    try {
      FileSystem fs = input.getFileSystem(conf);
      FileStatus[] matches = fs.globStatus(input);
      TorchScoreException.check(
          matches != null && matches.length > 0,
          "Cannot read input: %s does not exist; set %s to an existing file or folder",
          Redaction.uri(path),
          ConfKeys.INPUT_PATH);
      if (!FILE_FORMATS.contains(lowerFormat)) {
        return;
      }
      for (FileStatus match : matches) {
        if (match.isFile() || holdsDataFile(fs, match.getPath())) {
          return;
        }
      }
      throw new TorchScoreException(
          "Cannot read input: %s holds no data files (only folders, or files whose names start"
              + " with _ or ., which Spark skips); set %s to a folder with %s files",
          Redaction.uri(path),
          ConfKeys.INPUT_PATH,
          format);
    } catch (IOException e) {
      // Spark's reader will say what is wrong with the path, in the job's one line.
    }
  }

  private static boolean holdsDataFile(FileSystem fs, Path folder) throws IOException {
    String root = folder.toUri().getPath();
    RemoteIterator<LocatedFileStatus> files = fs.listFiles(folder, true);
    while (files.hasNext()) {
      String below = files.next().getPath().toUri().getPath().substring(root.length());
      if (!below.contains("/_") && !below.contains("/.")) {
        return true;
      }
    }
    return false;
  }
}
