package io.torchscore.sparkinternal;

import java.io.Serializable;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.vectorized.OnHeapColumnVector;
import org.apache.spark.sql.execution.vectorized.WritableColumnVector;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * Scores a partition of columnar batches: each batch's rows are read as views of its vectors (no
 * row is copied), scored in batches that never span two input batches, and returned as a batch of
 * one struct column whose fields are the input's carried vectors, as they are, and the
 * predictions' new vectors. Spark turns it into rows where the next operator needs them.
 */
public final class ColumnarPartition implements Serializable {

  private static final long serialVersionUID = 1L;

  private static final int FIRST_CAPACITY = 4096;

  private final PartitionScorer scorer;
  private final StructType read;
  private final StructType scored;
  private final int appended;

  /**
   * Creates the function over a partition's batches.
   *
   * @param scorer scores whole rows of the columns read
   * @param read the columns scoring reads, in the order it reads them
   * @param scored the columns returned: the carried ones, then the predictions (and the error)
   * @param appended how many of the returned columns scoring appends
   */
  public ColumnarPartition(PartitionScorer scorer, StructType read, StructType scored, int appended) {
    this.scorer = scorer;
    this.read = read;
    this.scored = scored;
    this.appended = appended;
  }

  /**
   * Scores a partition's batches.
   *
   * @param batches the input's batches
   * @param readOrdinals each read column's index in the input batch
   * @param carriedOrdinals each carried column's index in the input batch
   * @return the scored batches, lazily
   */
  public Iterator<ColumnarBatch> score(Iterator<ColumnarBatch> batches, int[] readOrdinals, int[] carriedOrdinals) {
    BatchRows rows = new BatchRows();
    ScoredRows scoredRows = scorer.open(rows).segmented();
    int carried = scored.size() - appended;
    DataType[] types = new DataType[appended];
    WritableColumnVector[] predictions = new WritableColumnVector[appended];
    for (int k = 0; k < appended; k++) {
      types[k] = scored.fields()[carried + k].dataType();
      predictions[k] = new OnHeapColumnVector(FIRST_CAPACITY, types[k]);
    }
    return new Iterator<>() {
      private boolean done;

      @Override
      public boolean hasNext() {
        if (done) {
          return false;
        }
        if (batches.hasNext()) {
          return true;
        }
        done = true;
        scoredRows.close();
        for (WritableColumnVector vector : predictions) {
          vector.close();
        }
        return false;
      }

      @Override
      public ColumnarBatch next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        ColumnarBatch input = batches.next();
        int n = input.numRows();
        rows.reset(new VectorStruct(read, columns(input, readOrdinals)), n);
        for (WritableColumnVector vector : predictions) {
          vector.reset();
          vector.reserve(n);
        }
        for (int i = 0; i < n; i++) {
          if (!scoredRows.hasNext()) {
            throw new IllegalStateException("Scoring returned " + i + " rows of a batch of " + n);
          }
          InternalRow row = scoredRows.next();
          for (int k = 0; k < appended; k++) {
            VectorWriter.write(predictions[k], i, row, read.size() + k, types[k]);
          }
        }
        ColumnVector[] out = new ColumnVector[scored.size()];
        System.arraycopy(columns(input, carriedOrdinals), 0, out, 0, carried);
        System.arraycopy(predictions, 0, out, carried, appended);
        return new ColumnarBatch(new ColumnVector[] {new VectorStruct(scored, out)}, n);
      }
    };
  }

  private static ColumnVector[] columns(ColumnarBatch batch, int[] ordinals) {
    ColumnVector[] columns = new ColumnVector[ordinals.length];
    for (int i = 0; i < ordinals.length; i++) {
      columns[i] = batch.column(ordinals[i]);
    }
    return columns;
  }

  /** The rows of the batch being scored, each a view of its vectors; refilled batch by batch. */
  private static final class BatchRows implements Iterator<InternalRow> {
    private ColumnVector struct;
    private int size;
    private int next;

    void reset(ColumnVector struct, int size) {
      this.struct = struct;
      this.size = size;
      this.next = 0;
    }

    @Override
    public boolean hasNext() {
      return next < size;
    }

    @Override
    public InternalRow next() {
      if (next >= size) {
        throw new NoSuchElementException();
      }
      return struct.getStruct(next++);
    }
  }
}
