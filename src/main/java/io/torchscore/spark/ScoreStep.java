package io.torchscore.spark;

import io.torchscore.model.ModelRef;
import io.torchscore.sparkinternal.ColumnarPartition;
import io.torchscore.sparkinternal.ColumnarStep;
import io.torchscore.sparkinternal.InternalRowStep;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.StructType;
import scala.Function1;
import scala.collection.Iterator;
import scala.collection.JavaConverters;

/**
 * Scoring as a step of the query plan ({@link InternalRowStep}): lazy until an action, usable on
 * streaming DataFrames, and named {@code torchscore(...)} in {@code explain()} and the Spark UI.
 * Rows arrive and leave in Spark's internal format, as {@link ScorePartitionFunction} reads and
 * writes them.
 *
 * <p>It is a Scala function rather than a Java interface so that the plan shows its name; it uses
 * only what is binary-identical in Scala 2.12 and 2.13 ({@code Iterator.hasNext/next},
 * {@code JavaConverters.asScalaIterator}).
 */
final class ScoreStep implements Function1<Iterator<Object>, Iterator<Object>>, ColumnarStep {

  private static final long serialVersionUID = 2L;

  private final ScorePartitionFunction scorer;
  private final boolean split;
  private final ColumnarPartition columnar;
  private final String description;

  /**
   * @param modelRef the model
   * @param plan how rows are scored
   * @param columnarPlan how the rows of a columnar batch are scored (whole rows of the columns
   *     read), or null to score rows on every input
   * @param read the columns scoring reads
   * @param scored the columns the step returns: those carried, then those appended
   * @param metrics the job's counters
   * @param description the step's name in the plan
   */
  ScoreStep(
      Broadcast<ModelRef> modelRef,
      ScorePartitionFunction.Plan plan,
      ScorePartitionFunction.Plan columnarPlan,
      StructType read,
      StructType scored,
      ScoreMetrics metrics,
      String description) {
    this.scorer = new ScorePartitionFunction(modelRef, plan, metrics);
    this.split = plan.packing().split();
    this.columnar =
        columnarPlan == null
            ? null
            : new ColumnarPartition(
                new ScorePartitionFunction(modelRef, columnarPlan, metrics)::open,
                read,
                scored,
                scored.size() - (split ? plan.packing().heldFields() : read.size()));
    this.description = description;
  }

  @Override
  public java.util.Iterator<InternalRow> scoreRows(java.util.Iterator<InternalRow> rows) {
    return scorer.call(rows);
  }

  @Override
  public boolean split() {
    return split;
  }

  @Override
  public ColumnarPartition columnar() {
    return columnar;
  }

  @Override
  public Iterator<Object> apply(Iterator<Object> rows) {
    java.util.Iterator<InternalRow> scored =
        scorer.call(
            new java.util.Iterator<>() {
              @Override
              public boolean hasNext() {
                return rows.hasNext();
              }

              @Override
              public InternalRow next() {
                return (InternalRow) rows.next();
              }
            });
    return JavaConverters.asScalaIterator(
        new java.util.Iterator<Object>() {
          @Override
          public boolean hasNext() {
            return scored.hasNext();
          }

          @Override
          public Object next() {
            return scored.next();
          }
        });
  }

  @Override
  public String toString() {
    return description;
  }
}
