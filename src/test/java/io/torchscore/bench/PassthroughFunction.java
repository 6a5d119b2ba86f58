package io.torchscore.bench;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.LongAccumulator;

/**
 * The {@code passthrough} mode's partition function: torchscore's pipeline shape with the model
 * call replaced by a per-row sum. Rows are read in batches, each row's features unboxed into one
 * reused direct buffer (as torchscore's encoder does), the "prediction" is the sum of the row's
 * features, and each output row is the input row plus that value. What remains is Spark's cost
 * for this data: Parquet decode, Row deserialisation (boxed array elements), Row serialisation
 * and the Parquet write.
 */
final class PassthroughFunction implements MapPartitionsFunction<Row, Row> {

  private static final long serialVersionUID = 1L;

  private final int featuresIndex;
  private final int width;
  private final int batchSize;
  private final LongAccumulator counter;

  PassthroughFunction(int featuresIndex, int width, int batchSize, LongAccumulator counter) {
    this.featuresIndex = featuresIndex;
    this.width = width;
    this.batchSize = batchSize;
    this.counter = counter;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> input) {
    FloatBuffer features =
        ByteBuffer.allocateDirect(width * batchSize * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    Row[] rows = new Row[batchSize];
    float[] sums = new float[batchSize];
    return new Iterator<>() {
      private int size;
      private int next;

      @Override
      public boolean hasNext() {
        if (next < size) {
          return true;
        }
        if (!input.hasNext()) {
          return false;
        }
        size = 0;
        next = 0;
        while (size < batchSize && input.hasNext()) {
          Row row = input.next();
          List<Object> values = row.getList(featuresIndex);
          int offset = size * width;
          for (int i = 0; i < width; i++) {
            features.put(offset + i, ((Number) values.get(i)).floatValue());
          }
          rows[size++] = row;
        }
        // The "model": one sum per row over the batch's buffer.
        for (int r = 0; r < size; r++) {
          float sum = 0;
          int offset = r * width;
          for (int i = 0; i < width; i++) {
            sum += features.get(offset + i);
          }
          sums[r] = sum;
        }
        counter.add(size);
        return true;
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        Row row = rows[next];
        rows[next] = null;
        Object[] values = new Object[row.length() + 1];
        for (int i = 0; i < row.length(); i++) {
          values[i] = row.get(i);
        }
        values[row.length()] = sums[next++];
        return RowFactory.create(values);
      }
    };
  }
}
