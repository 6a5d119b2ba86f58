package io.torchscore.spark;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.translate.TranslateException;
import io.torchscore.TorchScoreException;
import io.torchscore.tensor.BatchEncoder;
import io.torchscore.tensor.PredictionDecoder;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Streams a partition's rows through the model: reads up to a batch of rows, runs one forward
 * for them, and yields each input row with its prediction appended, in input order.
 *
 * <p>Each batch's native memory lives in its own manager, closed before the next batch; the
 * predictor is closed when the partition ends or when {@link #close()} is called, whichever is
 * first.
 */
final class ScoredRowIterator implements Iterator<Row>, AutoCloseable {

  private final Iterator<Row> input;
  private final Predictor<NDList, NDList> predictor;
  private final NDManager modelManager;
  private final BatchEncoder encoder;
  private final PredictionDecoder decoder;
  private final ScoreMetrics metrics;
  private final Row[] batch;
  private Object[] predictions;
  private int size;
  private int next;
  private long position;
  private boolean closed;

  ScoredRowIterator(
      Iterator<Row> input,
      Predictor<NDList, NDList> predictor,
      NDManager modelManager,
      BatchEncoder encoder,
      PredictionDecoder decoder,
      int batchSize,
      ScoreMetrics metrics) {
    this.input = input;
    this.predictor = predictor;
    this.modelManager = modelManager;
    this.encoder = encoder;
    this.decoder = decoder;
    this.metrics = metrics;
    this.batch = new Row[batchSize];
  }

  @Override
  public boolean hasNext() {
    if (next < size) {
      return true;
    }
    if (!closed && input.hasNext()) {
      scoreNextBatch();
      return true;
    }
    close();
    return false;
  }

  @Override
  public Row next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    Row row = batch[next];
    Object[] values = new Object[row.length() + 1];
    for (int i = 0; i < row.length(); i++) {
      values[i] = row.get(i);
    }
    values[row.length()] = predictions[next];
    batch[next] = null;
    next++;
    return RowFactory.create(values);
  }

  private void scoreNextBatch() {
    encoder.reset();
    long first = position;
    size = 0;
    next = 0;
    while (size < batch.length && input.hasNext()) {
      Row row = input.next();
      encoder.add(row, position++);
      batch[size++] = row;
    }
    try (NDManager batchManager = modelManager.newSubManager()) {
      NDList output = predictor.predict(new NDList(encoder.toTensor(batchManager)));
      output.attach(batchManager);
      predictions = decoder.decode(output.singletonOrThrow(), size);
    } catch (TorchScoreException e) {
      throw e;
    } catch (TranslateException | RuntimeException e) {
      throw new TorchScoreException(
          e,
          "Cannot score rows %s to %s of the partition: the model failed: %s",
          first,
          position - 1,
          e.getMessage());
    }
    metrics.batchScored(size);
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      predictor.close();
    }
  }
}
