package io.torchscore.sparkinternal;

import java.util.List;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * The scoring step where its input comes from a scan that can give columnar batches (Parquet,
 * ORC, Delta, a cached table): it scores the batches as they are and returns batches (see
 * {@link ColumnarPartition}); named {@code torchscore (columnar)} in {@code explain()}. Where the
 * scan gives rows after all (its vectorized reader off, too many columns), it scores rows, as
 * {@code torchscore (rows)}.
 *
 * <p>A Java subclass of Spark's Scala plan node: its members with Scala sequences in their
 * signatures also have Scala 2.12's ({@link Scala212Overrides}); {@code makeCopy} rebuilds it
 * from its product elements, which are its constructor's arguments in order.
 */
public final class ColumnarScoreExec extends SparkPlan
    implements Scala212Overrides.Node<scala.collection.immutable.IndexedSeq<SparkPlan>> {

  private static final long serialVersionUID = 1L;

  private final SparkPlan child;
  private final Attribute scored;
  private final ColumnarStep step;
  private final int[] readOrdinals;
  private final int[] carriedOrdinals;

  /**
   * @param child the scan (or cached table) whose rows are scored
   * @param scored the step's one output column: a struct of the carried columns and the predictions
   * @param step the scoring step of the logical plan
   * @param readOrdinals the index in the child's output of each column scoring reads
   * @param carriedOrdinals the index in the child's output of each column carried to the output
   */
  public ColumnarScoreExec(SparkPlan child, Attribute scored, ColumnarStep step, int[] readOrdinals, int[] carriedOrdinals) {
    this.child = child;
    this.scored = scored;
    this.step = step;
    this.readOrdinals = readOrdinals;
    this.carriedOrdinals = carriedOrdinals;
  }

  @Override
  public scala.collection.immutable.Seq<SparkPlan> children() {
    return ScalaSeqs.list(List.of(child));
  }

  @Override
  public scala.collection.immutable.Seq<Attribute> output() {
    return ScalaSeqs.list(List.of(scored));
  }

  @Override
  public SparkPlan withNewChildrenInternal(scala.collection.immutable.IndexedSeq<SparkPlan> children) {
    return new ColumnarScoreExec(children.apply(0), scored, step, readOrdinals, carriedOrdinals);
  }

  @Override
  public boolean supportsColumnar() {
    return child.supportsColumnar();
  }

  @Override
  public boolean supportsRowBased() {
    return !supportsColumnar();
  }

  @Override
  public RDD<ColumnarBatch> doExecuteColumnar() {
    ColumnarPartition partition = step.columnar();
    int[] read = readOrdinals;
    int[] carried = carriedOrdinals;
    return child.executeColumnar().toJavaRDD().mapPartitions(batches -> partition.score(batches, read, carried)).rdd();
  }

  @Override
  public RDD<InternalRow> doExecute() {
    ColumnarStep scorer = step;
    boolean split = step.split();
    List<Attribute> columns = ScalaSeqs.call(child, "output");
    DataType[] types = columns.stream().map(Attribute::dataType).toArray(DataType[]::new);
    int[] read = readOrdinals;
    int[] carried = carriedOrdinals;
    return child
        .execute()
        .toJavaRDD()
        .mapPartitions(
            rows -> {
              GenericInternalRow out = new GenericInternalRow(1);
              java.util.Iterator<InternalRow> packed =
                  new java.util.Iterator<>() {
                    @Override
                    public boolean hasNext() {
                      return rows.hasNext();
                    }

                    @Override
                    public InternalRow next() {
                      InternalRow row = rows.next();
                      InternalRow all = pick(row, read, types);
                      return split ? new GenericInternalRow(new Object[] {pick(row, carried, types), all}) : all;
                    }
                  };
              java.util.Iterator<InternalRow> scoredRows = scorer.scoreRows(packed);
              return new java.util.Iterator<InternalRow>() {
                @Override
                public boolean hasNext() {
                  return scoredRows.hasNext();
                }

                @Override
                public InternalRow next() {
                  out.update(0, scoredRows.next());
                  return out;
                }
              };
            })
        .rdd();
  }

  private static InternalRow pick(InternalRow row, int[] ordinals, DataType[] types) {
    Object[] values = new Object[ordinals.length];
    for (int i = 0; i < ordinals.length; i++) {
      values[i] = row.isNullAt(ordinals[i]) ? null : row.get(ordinals[i], types[ordinals[i]]);
    }
    return new GenericInternalRow(values);
  }

  @Override
  public String nodeName() {
    return supportsColumnar() ? "torchscore (columnar)" : "torchscore (rows)";
  }

  @Override
  public String simpleString(int maxFields) {
    return nodeName() + " " + step;
  }

  @Override
  public int productArity() {
    return 5;
  }

  @Override
  public Object productElement(int n) {
    return switch (n) {
      case 0 -> child;
      case 1 -> scored;
      case 2 -> step;
      case 3 -> readOrdinals;
      case 4 -> carriedOrdinals;
      default -> throw new IndexOutOfBoundsException(n);
    };
  }

  @Override
  public boolean canEqual(Object other) {
    return other instanceof ColumnarScoreExec;
  }
}
