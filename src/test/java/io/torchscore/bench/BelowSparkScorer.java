package io.torchscore.bench;

import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import io.torchscore.config.ScoreSettings;
import io.torchscore.spark.BatchSizeChoices;
import io.torchscore.spark.BelowSpark;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.expressions.codegen.UnsafeRowWriter;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.Platform;

/**
 * torchscore's scoring path for one model on one device, without Spark's scheduler
 * ({@link BelowSpark}: device choice, the executor's model cache in the asked precision, the
 * partition iterator with its prefetch and pinned buffers), on rows in Spark's internal format
 * ({@code id BIGINT, features ARRAY<FLOAT>}).
 */
final class BelowSparkScorer implements AutoCloseable {

  /** The batch size that asks for {@code batch.size=auto}. */
  static final int AUTO = RunRecord.AUTO;

  private final BelowSpark scorer;

  /**
   * Loads the model on the device ({@code cpu} or {@code gpu}) in the precision: rows of {@code
   * width} floats, given to the model flat, or in {@code rowShape} (e.g. 3, 224, 224) when not empty.
   */
  BelowSparkScorer(Path file, String device, String precision, int threads, int width, List<Long> rowShape, int batchSize)
      throws IOException {
    ScoreSettings.SettingsBuilder builder =
        ScoreSettings.builder()
            .modelPath(file.toString())
            .featuresCol("features")
            .inputShapes(rowShape.isEmpty() ? List.of() : List.of(rowShape))
            .device(device)
            .precision(precision)
            .cacheDir(System.getProperty("java.io.tmpdir") + "/torchscore-gpu-check");
    // A fixed size is not capped by batch.max.bytes; auto keeps the device's default bound.
    ScoreSettings settings =
        batchSize == AUTO
            ? builder.option("batch.size", "auto").build()
            : builder.batchSize(batchSize).batchMaxBytes(Integer.MAX_VALUE).build();
    StructType schema =
        new StructType()
            .add("id", DataTypes.LongType, false)
            .add("features", DataTypes.createArrayType(DataTypes.FloatType, false), false);
    this.scorer = new BelowSpark(settings, schema, threads, width);
  }

  /**
   * Returns a row as the scoring step gets it from a scan: an {@code UnsafeRow} of {@code id}
   * and the {@code features} array.
   */
  static InternalRow row(long id, float[] features) {
    // Written field by field rather than by an UnsafeProjection: a projection is generated code,
    // which needs Spark's compiler and logging, and the GPU kit carries neither.
    UnsafeRowWriter writer = new UnsafeRowWriter(2);
    writer.resetRowWriter();
    writer.write(0, id);
    UnsafeArrayData array = UnsafeArrayData.fromPrimitiveArray(features);
    byte[] bytes = new byte[array.getSizeInBytes()];
    array.writeToMemory(bytes, Platform.BYTE_ARRAY_OFFSET);
    writer.write(1, bytes);
    return writer.getRow().copy();
  }

  /** Returns the rows per batch: the fixed size, or the most batch.size=auto may choose. */
  int batchRows() {
    return scorer.batchRows();
  }

  /** Returns the size batch.size=auto chose (the largest over the tasks), or 0 before a choice. */
  int chosenBatchSize() {
    return scorer.batchSizeChoices().stream().mapToInt(BatchSizeChoices.Choice::batchSize).max().orElse(0);
  }

  /** Returns the device chosen. */
  String device() {
    return scorer.device();
  }

  /** Returns the type of the (first) prediction column. */
  org.apache.spark.sql.types.DataType predictionType() {
    return scorer.predictionType();
  }

  /** Returns the model, for a raw loop on the same loaded module. */
  Model model() {
    return scorer.model();
  }

  /** Returns the model's float type: what its float inputs are cast to. */
  DataType floatType() {
    return scorer.floatType();
  }

  /** Scores rows {@code [from, to)} as one partition and returns them with their predictions, copied. */
  InternalRow[] score(InternalRow[] rows, int from, int to) {
    InternalRow[] scored = new InternalRow[to - from];
    Iterator<InternalRow> partition = scorer.score(Arrays.asList(rows).subList(from, to).iterator());
    for (int i = 0; partition.hasNext(); i++) {
      scored[i] = partition.next().copy();
    }
    return scored;
  }

  /** Scores rows {@code [from, to)} as one partition, reading each result row as Spark would. */
  void drain(InternalRow[] rows, int from, int to) {
    Iterator<InternalRow> partition = scorer.score(Arrays.asList(rows).subList(from, to).iterator());
    while (partition.hasNext()) {
      partition.next();
    }
  }

  /** Scores batches {@code [from, to)} as one partition on the columnar path, reading each result row as Spark would. */
  void drainColumnar(ColumnarBatch[] batches, int from, int to) {
    Iterator<ColumnarBatch> scored = scorer.scoreColumnar(Arrays.asList(batches).subList(from, to).iterator());
    while (scored.hasNext()) {
      Iterator<InternalRow> rows = scored.next().rowIterator();
      while (rows.hasNext()) {
        rows.next();
      }
    }
  }

  @Override
  public void close() {
    scorer.close();
  }
}
