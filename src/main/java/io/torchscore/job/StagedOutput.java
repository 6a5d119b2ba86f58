package io.torchscore.job;

import io.torchscore.TorchScoreException;
import io.torchscore.config.ConfKeys;
import io.torchscore.config.Setting;
import io.torchscore.config.Redaction;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
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
 *
 * <p>With partition columns, {@code overwrite} replaces only the partitions this run wrote (Spark's
 * dynamic partition overwrite): the staged partition folders are swapped in one by one, the
 * output's other partitions are kept, and the output has no {@code _SUCCESS} marker while the
 * swap is under way. Formats written in place get Spark's {@code partitionOverwriteMode=dynamic}
 * writer option, which Delta honours too.
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
  private final List<String> partitionBy;

  private StagedOutput(
      String key,
      String path,
      String format,
      String mode,
      List<String> partitionBy,
      FileSystem fs,
      Path target,
      Path staging,
      boolean skip) {
    this.key = key;
    this.partitionBy = List.copyOf(partitionBy);
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
   * @param partitionBy the columns to partition by; empty for none
   * @return the planned write
   * @throws TorchScoreException when the output exists and the mode is errorifexists
   */
  static StagedOutput plan(
      SparkSession spark, Setting<String> key, String path, String format, String mode, List<String> partitionBy) {
    if (!STAGED_FORMATS.contains(format.toLowerCase(Locale.ROOT))) {
      return new StagedOutput(key.key(), path, format, mode, partitionBy, null, null, null, false);
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
          key.key(), path, format, mode, partitionBy, fs, target, staging, exists && mode.equals("ignore"));
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
   * Checks that the rows to write have every partition column, before any row is scored.
   *
   * @param schema the schema of the rows this output will get
   * @throws TorchScoreException naming {@code spark.torchscore.output.partition.by} and the column
   */
  void checkPartitionColumns(StructType schema) {
    List<String> columns = List.of(schema.fieldNames());
    for (String column : partitionBy) {
      TorchScoreException.check(
          columns.contains(column),
          "Cannot partition output %s by column '%s': the rows written there have no such column"
              + " (they have %s); check %s",
          Redaction.uri(path),
          column,
          String.join(", ", columns),
          ConfKeys.OUTPUT_PARTITION_BY);
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
      DataFrameWriter<Row> writer = rows.write().format(format);
      if (!partitionBy.isEmpty()) {
        writer = writer.partitionBy(partitionBy.toArray(String[]::new));
      }
      if (staging == null) {
        if (!partitionBy.isEmpty() && mode.equals("overwrite")) {
          writer = writer.option("partitionOverwriteMode", "dynamic");
        }
        writer.mode(mode).save(path);
      } else {
        writer.mode("errorifexists").save(staging.toString());
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
      } else if (mode.equals("overwrite") && !partitionBy.isEmpty()) {
        replacePartitions();
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

  /**
   * Replaces the output's partitions that this run wrote and keeps the others. The old
   * {@code _SUCCESS} marker and the replaced partitions go aside first; when a rename fails, what
   * was moved is put back, so the output is then as it was before the commit.
   */
  private void replacePartitions() throws IOException {
    Path old =
        new Path(target.getParent(), "." + target.getName() + ".torchscore-old-" + UUID.randomUUID());
    List<String> written = partitions(staging, "", 0);
    List<String> placed = new ArrayList<>();
    List<String> asideNames = new ArrayList<>();
    try {
      fs.mkdirs(old);
      if (fs.exists(new Path(target, SUCCESS))) {
        rename(new Path(target, SUCCESS), new Path(old, SUCCESS));
        asideNames.add(SUCCESS);
      }
      for (String partition : written) {
        Path current = new Path(target, partition);
        if (fs.exists(current)) {
          fs.mkdirs(new Path(old, partition).getParent());
          rename(current, new Path(old, partition));
          asideNames.add(partition);
        }
        fs.mkdirs(current.getParent());
        rename(new Path(staging, partition), current);
        placed.add(partition);
      }
      if (fs.exists(new Path(staging, SUCCESS))) {
        rename(new Path(staging, SUCCESS), new Path(target, SUCCESS));
      }
    } catch (IOException e) {
      for (String partition : placed) {
        fs.delete(new Path(target, partition), true);
      }
      for (String name : asideNames) {
        rename(new Path(old, name), new Path(target, name));
      }
      fs.delete(old, true);
      throw e;
    }
    fs.delete(old, true);
  }

  /**
   * Lists the partition folders under {@code folder}, as paths relative to it such as
   * {@code date=2026-11-27/hour=3}: the folders {@code depth} levels down, one per partition column.
   */
  private List<String> partitions(Path folder, String prefix, int depth) throws IOException {
    List<String> found = new ArrayList<>();
    String column = partitionBy.get(depth);
    for (FileStatus entry : fs.listStatus(folder)) {
      String name = entry.getPath().getName();
      if (!entry.isDirectory() || !name.startsWith(column + "=")) {
        continue;
      }
      String relative = prefix + name;
      if (depth + 1 == partitionBy.size()) {
        found.add(relative);
      } else {
        found.addAll(partitions(entry.getPath(), relative + "/", depth + 1));
      }
    }
    return found;
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
