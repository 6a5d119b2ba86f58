package io.torchscore.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.torchscore.config.ScoreSettings.OnError;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;

/**
 * A scored DataFrame, still lazy, the rows left out of it, and the counters its executors fill
 * when an action runs it.
 */
public final class ScoreResult {

  private final Dataset<Row> all;
  private final OnError onError;
  private final String errorColumn;
  private final String[] inputColumns;
  private final ScoreMetrics metrics;
  private final int batchRows;
  private final BatchSizeChoices batchSizeChoices;

  ScoreResult(
      Dataset<Row> all,
      OnError onError,
      String errorColumn,
      String[] inputColumns,
      ScoreMetrics metrics,
      int batchRows,
      BatchSizeChoices batchSizeChoices) {
    this.all = all;
    this.onError = onError;
    this.errorColumn = errorColumn;
    this.inputColumns = inputColumns.clone();
    this.metrics = metrics;
    this.batchRows = batchRows;
    this.batchSizeChoices = batchSizeChoices;
  }

  /**
   * Returns the rows per forward call used: the batch size, lowered for large rows by
   * {@code spark.torchscore.batch.max.bytes}; with {@code batch.size=auto}, after the action, the
   * largest size an executor chose (before: the most it may choose on a CPU).
   *
   * @return the rows per batch
   */
  public int batchRows() {
    return batchSizeChoices.value().stream()
        .mapToInt(BatchSizeChoices.Choice::batchSize)
        .max()
        .orElse(batchRows);
  }

  /**
   * Returns the batch sizes executors chose with {@code spark.torchscore.batch.size=auto}, one per
   * executor and device, once an action ran the scoring; empty for a fixed size.
   *
   * @return the choices
   */
  public java.util.List<BatchSizeChoices.Choice> batchSizeChoices() {
    return batchSizeChoices.value();
  }

  /** Returns the accumulator of the choices, with how many tasks reported each. */
  BatchSizeChoices batchSizeAccumulator() {
    return batchSizeChoices;
  }

  /**
   * Returns the input rows with the prediction columns appended; with {@code on.error=null} also
   * the error column, and with {@code on.error=skip} without the bad rows.
   *
   * @return the scored rows (lazy)
   */
  public Dataset<Row> scored() {
    if (onError != OnError.SKIP) {
      return all;
    }
    return all.filter(col(errorColumn).isNull()).drop(errorColumn);
  }

  /**
   * Returns the rows {@code on.error=skip} left out: their input columns and the error column
   * saying why. Empty, with the same columns, for the other policies.
   *
   * @return the rejected rows (lazy)
   */
  public Dataset<Row> rejects() {
    Column[] columns = new Column[inputColumns.length + 1];
    for (int i = 0; i < inputColumns.length; i++) {
      columns[i] = col(inputColumns[i]);
    }
    if (onError != OnError.SKIP) {
      // Under on.error=fail the scored rows have no error column.
      columns[inputColumns.length] = lit(null).cast(DataTypes.StringType).as(errorColumn);
      return all.limit(0).select(columns);
    }
    columns[inputColumns.length] = col(errorColumn);
    return all.filter(col(errorColumn).isNotNull()).select(columns);
  }

  /**
   * Keeps the scoring's result in memory (and on disk) so that {@link #scored()} and
   * {@link #rejects()} come from one scoring pass.
   *
   * @return this result
   */
  public ScoreResult persist() {
    all.persist(StorageLevel.MEMORY_AND_DISK());
    return this;
  }

  /** Releases what {@link #persist()} kept. */
  public void unpersist() {
    all.unpersist();
  }

  /**
   * Returns the counters of the scoring, complete once an action over the result has run.
   *
   * @return rows, bad rows per reason, batches and model loads
   */
  public ScoreMetrics metrics() {
    return metrics;
  }
}
