package io.torchscore.spark;

import io.torchscore.model.ModelRef;
import java.io.Serializable;
import java.util.Arrays;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.CatalystTypeConverters;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.Function1;
import scala.collection.Iterator;
import scala.collection.JavaConverters;

/**
 * Scoring as a step of the query plan ({@code Dataset.mapPartitions}): lazy until an action,
 * usable on streaming DataFrames, and named {@code torchscore(...)} in {@code explain()} and the
 * Spark UI. Rows arrive as {@link Row}s and are converted to Spark's internal format for
 * {@link ScorePartitionFunction}, and back, keeping only the written columns
 * ({@link CarriedColumns}).
 *
 * <p>It is a Scala function rather than Spark's Java {@code MapPartitionsFunction} so that the
 * plan shows its name instead of Spark's wrapper; it uses only what is binary-identical in Scala
 * 2.12 and 2.13 ({@code Iterator.hasNext/next}, {@code JavaConverters.asScalaIterator}).
 */
final class ScoreStep implements Function1<Iterator<Row>, Iterator<Row>>, Serializable {

  private static final long serialVersionUID = 1L;

  private final ScorePartitionFunction scorer;
  private final StructType inputSchema;
  private final StructType outputSchema;
  private final CarriedColumns columns;
  private final DataType[] scoredTypes;
  private final String description;

  ScoreStep(
      Broadcast<ModelRef> modelRef,
      ScorePartitionFunction.Plan plan,
      ScoreMetrics metrics,
      StructType inputSchema,
      StructType scoredSchema,
      StructType outputSchema,
      CarriedColumns columns,
      String description) {
    this.scorer = new ScorePartitionFunction(modelRef, plan, metrics);
    this.inputSchema = inputSchema;
    this.outputSchema = outputSchema;
    this.columns = columns;
    this.scoredTypes = Arrays.stream(scoredSchema.fields()).map(StructField::dataType).toArray(DataType[]::new);
    this.description = description;
  }

  @Override
  public Iterator<Row> apply(Iterator<Row> rows) {
    Function1<Object, Object> toInternal = CatalystTypeConverters.createToCatalystConverter(inputSchema);
    Function1<Object, Object> toRow = CatalystTypeConverters.createToScalaConverter(outputSchema);
    java.util.Iterator<InternalRow> scored =
        scorer.call(
            new java.util.Iterator<>() {
              @Override
              public boolean hasNext() {
                return rows.hasNext();
              }

              @Override
              public InternalRow next() {
                return (InternalRow) toInternal.apply(rows.next());
              }
            });
    return JavaConverters.asScalaIterator(
        new java.util.Iterator<Row>() {
          @Override
          public boolean hasNext() {
            return scored.hasNext();
          }

          @Override
          public Row next() {
            InternalRow row = scored.next();
            return (Row) toRow.apply(columns.writesAll() ? row : columns.written(row, scoredTypes));
          }
        });
  }

  @Override
  public String toString() {
    return description;
  }
}
