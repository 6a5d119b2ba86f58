package io.torchscore.job;

import io.torchscore.TorchScoreException;
import io.torchscore.config.ConfKeys;
import io.torchscore.config.Setting;
import io.torchscore.config.Redaction;
import java.io.IOException;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One of the job's outputs, written so that a failed run leaves nothing that looks complete and
 * an {@code overwrite} that fails leaves the previous output as it was.
 *
 * <p>File formats are written to a hidden folder beside the output
 * ({@code .<name>.torchscore-staging-<uuid>}, which Spark's readers skip) and moved into place by
 * {@link #commit()}: {@code overwrite} renames the old output aside, renames the staging folder
 * into place and then deletes the old one; {@code append} moves the new files in;
 * {@code errorifexists} and {@code ignore} keep Spark's meaning. Table formats that commit
 * atomically by themselves (Delta, Iceberg, Hudi) and sinks that are not folders of files are
 * written in place. On an object store a rename is a copy: the swap is then short, not atomic.
 */
final class StagedOutput {

  private static final Logger LOG = LoggerFactory.getLogger(StagedOutput.class);

  private static final Set<String> STAGED_FORMATS =
      Set.of("parquet", "orc", "json", "csv", "text", "avro");

  private static final String SUCCESS = "_SUCCESS";

  private final String key;
  private final String path;
  private final String format;
  private final String mode;
  private final FileSystem fs;
  private final Path target;
  private final Path staging;
  private final boolean skip;

  private StagedOutput(
      String key, String path, String format, String mode, FileSystem fs, Path target, Path staging, boolean skip) {
    this.key = key;
    this.path = path;
    this.format = format;
    this.mode = mode;
    this.fs = fs;
    this.target = target;
    this.staging = staging;
    this.skip = skip;
  }

  /**
   * Plans a write, checking the mode against what is there before any work is done.
   *
   * @param spark the session
   * @param key the setting that names the path, for messages
   * @param path where the output goes
   * @param format the Spark sink
   * @param mode errorifexists, overwrite, append or ignore
   * @return the planned write
   * @throws TorchScoreException when the output exists and the mode is errorifexists
   */
  static StagedOutput plan(SparkSession spark, Setting<String> key, String path, String format, String mode) {
    if (!STAGED_FORMATS.contains(format.toLowerCase(Locale.ROOT))) {
      return new StagedOutput(key.key(), path, format, mode, null, null, null, false);
    }
    Path target = new Path(path);
    try {
      FileSystem fs = target.getFileSystem(spark.sparkContext().hadoopConfiguration());
      target = fs.makeQualified(target);
      boolean exists = fs.exists(target);
      TorchScoreException.check(
          !exists || !mode.equals("errorifexists"),
          "Cannot write output %s: it already exists; set %s to overwrite, append or ignore, or"
              + " change %s",
          Redaction.uri(path),
          ConfKeys.OUTPUT_MODE,
          key);
      Path staging =
          new Path(target.getParent(), "." + target.getName() + ".torchscore-staging-" + UUID.randomUUID());
      return new StagedOutput(
          key.key(), path, format, mode, fs, target, staging, exists && mode.equals("ignore"));
    } catch (IOException | IllegalArgumentException e) {
      // Hadoop says "Wrong FS" with an IllegalArgumentException.
      throw new TorchScoreException(
          e,
          "Cannot write output %s: %s; check %s",
          Redaction.uri(path),
          Redaction.uri(TorchScoreException.firstLine(e.getMessage())),
          key);
    }
  }

  /**
   * Writes the rows: to the staging folder for file formats, else in place.
   *
   * @param rows the rows to write
   * @throws TorchScoreException when Spark rejects the sink or its options
   */
  void write(Dataset<Row> rows) {
    if (skip) {
      return;
    }
    try {
      if (staging == null) {
        rows.write().format(format).mode(mode).save(path);
      } else {
        rows.write().format(format).mode("errorifexists").save(staging.toString());
      }
    } catch (Exception e) {
      if (!(e instanceof AnalysisException)) {
        throw e;
      }
      throw new TorchScoreException(
          e,
          "Cannot write output %s as %s: %s; check %s and %s",
          Redaction.uri(path),
          format,
          TorchScoreException.firstLine(e.getMessage()),
          key,
          ConfKeys.OUTPUT_MODE);
    }
  }

  /**
   * Moves the staged output into place, as the mode says.
   *
   * @throws RunFailedException when a rename fails; an overwritten output is then put back
   */
  void commit() {
    if (staging == null || skip) {
      return;
    }
    try {
      boolean exists = fs.exists(target);
      if (!exists) {
        rename(staging, target);
      } else if (mode.equals("overwrite")) {
        swap();
      } else if (mode.equals("append")) {
        moveInto(staging, target);
      } else if (mode.equals("errorifexists")) {
        throw new RunFailedException(
            "Cannot commit output %s: it appeared while the job ran; the new output was discarded",
            Redaction.uri(path));
      }
    } catch (IOException e) {
      throw new RunFailedException(
          e, "Cannot commit output %s: %s", Redaction.uri(path), e.getMessage());
    }
  }

  /** Deletes what is left of the staging folder; a no-op after a commit. */
  void discard() {
    if (staging == null) {
      return;
    }
    try {
      fs.delete(staging, true);
    } catch (IOException e) {
      // Called on the way out of a failed run too: its own failure is the one to report.
      LOG.warn(
          "Cannot delete the staging folder {}: {}; delete it by hand",
          Redaction.uri(staging.toString()),
          e.getMessage());
    }
  }

  private void swap() throws IOException {
    Path old =
        new Path(target.getParent(), "." + target.getName() + ".torchscore-old-" + UUID.randomUUID());
    rename(target, old);
    try {
      rename(staging, target);
    } catch (IOException e) {
      rename(old, target);
      throw e;
    }
    fs.delete(old, true);
  }

  /** Moves every file of a staged append into the output, the {@code _SUCCESS} marker last. */
  private void moveInto(Path from, Path to) throws IOException {
    fs.mkdirs(to);
    Path success = null;
    for (FileStatus entry : fs.listStatus(from)) {
      Path destination = new Path(to, entry.getPath().getName());
      if (entry.getPath().getName().equals(SUCCESS)) {
        success = entry.getPath();
      } else if (entry.isDirectory() && fs.exists(destination)) {
        moveInto(entry.getPath(), destination);
      } else {
        rename(entry.getPath(), destination);
      }
    }
    if (success != null) {
      fs.delete(new Path(to, SUCCESS), false);
      rename(success, new Path(to, SUCCESS));
    }
  }

  private void rename(Path from, Path to) throws IOException {
    if (!fs.rename(from, to)) {
      throw new IOException("cannot rename " + Redaction.uri(from.toString()) + " to " + Redaction.uri(to.toString()));
    }
  }
}
