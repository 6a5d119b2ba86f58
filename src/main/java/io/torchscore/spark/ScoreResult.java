package io.torchscore.spark;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A scored DataFrame, still lazy, and the counters its executors fill when an action runs it.
 *
 * @param scored the input rows with the prediction column appended
 * @param metrics rows, batches and model loads, complete once an action over {@code scored} ends
 */
public record ScoreResult(Dataset<Row> scored, ScoreMetrics metrics) {}
