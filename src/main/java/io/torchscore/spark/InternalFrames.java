package io.torchscore.spark;

import io.torchscore.TorchScoreException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.StructType;

/**
 * Moves between DataFrames and RDDs of Spark's internal rows, so that scoring reads and writes
 * values without converting them to and from {@link Row} objects (boxing every array element).
 */
final class InternalFrames {

  private InternalFrames() {}

  static RDD<InternalRow> rows(Dataset<Row> frame) {
    return frame.queryExecution().toRdd();
  }

  /**
   * Returns a DataFrame over internal rows. Spark's own {@code internalCreateDataFrame} is
   * Spark-internal (public in bytecode, on {@code SparkSession} in 3.5 and on the classic
   * {@code SparkSession} in 4.x), hence reflection.
   */
  @SuppressWarnings("unchecked")
  static Dataset<Row> frame(SparkSession spark, RDD<InternalRow> rows, StructType schema) {
    try {
      Method create =
          spark.getClass().getMethod("internalCreateDataFrame", RDD.class, StructType.class, boolean.class);
      return (Dataset<Row>) create.invoke(spark, rows, schema, false);
    } catch (NoSuchMethodException | IllegalAccessException e) {
      throw new TorchScoreException(
          e,
          "Cannot score on %s %s: it has no SparkSession.internalCreateDataFrame; torchscore needs"
              + " a classic (not Spark Connect) session of Spark 3.5 or 4.x",
          spark.getClass().getName(),
          spark.version());
    } catch (InvocationTargetException e) {
      throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
    }
  }
}
