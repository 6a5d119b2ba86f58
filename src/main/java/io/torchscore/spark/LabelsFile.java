package io.torchscore.spark;

import io.torchscore.TorchScoreException;
import io.torchscore.config.ConfKeys;
import io.torchscore.config.Redaction;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/** The class labels file ({@code spark.torchscore.labels.path}): one label per line, read on the driver. */
final class LabelsFile {

  private LabelsFile() {}

  /**
   * Reads the labels, trimmed, blank lines left out.
   *
   * @param location the file: a local path or any Hadoop FS URI
   * @param hadoop the Hadoop configuration that reaches it
   * @return the labels, in the file's order
   * @throws TorchScoreException naming the setting when the file cannot be read
   */
  static List<String> read(String location, Configuration hadoop) {
    Path path = new Path(location);
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(path.getFileSystem(hadoop).open(path), StandardCharsets.UTF_8))) {
      return reader.lines().map(String::trim).filter(line -> !line.isEmpty()).toList();
    } catch (IOException e) {
      throw new TorchScoreException(
          e,
          "Cannot read %s=%s: %s; expected a text file with one label per line",
          ConfKeys.LABELS_PATH,
          Redaction.uri(location),
          e.getMessage());
    }
  }
}
