package io.torchscore.bench;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.vectorized.OnHeapColumnVector;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * Times one model at one batch size two ways on the same loaded module and device, host memory
 * to host memory: {@code raw}, a plain DJL loop (a tensor made from a slice of one direct buffer,
 * one forward, the output copied back), and {@code torchscore}, the same rows in Spark's internal
 * format through {@link BelowSparkScorer}, as one task or as several tasks at once sharing the
 * model and the device (Spark's tasks on one GPU with {@code spark.task.resource.gpu.amount} below
 * 1). Each runs one untimed pass first, then whole passes over the rows until {@code seconds} have
 * passed.
 */
final class ThroughputLoop {

  /** One timed run; {@code tasks} scored at once (raw: 1). */
  record Run(String model, String precision, String mode, int tasks, int batchSize, long rows, double seconds) {

    double rowsPerSecond() {
      return rows / seconds;
    }
  }

  private final String name;
  private final String precision;
  private final BelowSparkScorer scorer;
  private final int width;
  private final Shape rowShape;
  private final int rows;
  private final double seconds;
  private final ByteBuffer data;
  private final InternalRow[] internalRows;
  private ColumnarBatch[] columnarBatches;

  /**
   * Makes {@code rows} random rows of {@code width} floats (a fixed seed) for the scorer's model,
   * which takes them in {@code rowShape} (empty: flat).
   */
  ThroughputLoop(
      String name, String precision, BelowSparkScorer scorer, int width, List<Long> rowShape, int rows, double seconds) {
    this.name = name;
    this.precision = precision;
    this.scorer = scorer;
    this.width = width;
    this.rowShape = rowShape.isEmpty() ? new Shape(width) : new Shape(rowShape);
    this.rows = rows;
    this.seconds = seconds;
    this.data = ByteBuffer.allocateDirect(Math.multiplyExact(Math.multiplyExact(rows, width), Float.BYTES)).order(ByteOrder.nativeOrder());
    this.internalRows = new InternalRow[rows];
    Random random = new Random(42);
    FloatBuffer floats = data.asFloatBuffer();
    for (int r = 0; r < rows; r++) {
      float[] row = new float[width];
      for (int i = 0; i < width; i++) {
        row[i] = (float) random.nextGaussian();
      }
      floats.put(row);
      internalRows[r] = BelowSparkScorer.row(r, row);
    }
  }

  /** Times the plain DJL loop. */
  Run raw() throws TranslateException {
    try (Predictor<NDList, NDList> predictor = scorer.model().newPredictor(new NoopTranslator())) {
      Pass pass =
          (from, to) -> {
            try (NDManager batch = scorer.model().getNDManager().newSubManager()) {
              ByteBuffer slice =
                  data.duplicate()
                      .position(from * width * Float.BYTES)
                      .limit(to * width * Float.BYTES)
                      .slice()
                      .order(ByteOrder.nativeOrder());
              NDArray input = batch.create(slice, new Shape(to - from).addAll(rowShape), DataType.FLOAT32);
              if (scorer.floatType() != DataType.FLOAT32) {
                input = input.toType(scorer.floatType(), false);
              }
              NDList output = predictor.predict(new NDList(input));
              output.attach(batch);
              output.singletonOrThrow().toType(DataType.FLOAT32, false).toFloatArray();
            }
          };
      return time("raw", pass);
    }
  }

  /**
   * Times torchscore's path: each pass is one partition per task through the executor's iterator
   * (encoder, forward, decoder, rows with predictions appended; prefetch on a GPU), the tasks on
   * threads of their own, each over its share of the rows in whole batches.
   */
  Run torchscore(int tasks) throws TranslateException {
    int batch = scorer.batchRows();
    int share = rows / tasks / batch * batch;
    if (share == 0) {
      throw new IllegalArgumentException(name + ": " + rows + " rows make no whole batch of " + batch + " for each of " + tasks + " tasks");
    }
    ExecutorService threads = Executors.newFixedThreadPool(tasks);
    try {
      Pass pass = inTasks(threads, tasks, share, (start, end) -> scorer.drain(internalRows, start, end));
      return time("torchscore", tasks, pass, share * tasks);
    } finally {
      threads.shutdownNow();
    }
  }

  /**
   * Times torchscore's columnar path: the rows as columnar batches of the scoring batch's rows
   * each (a scan's batches, sized as the job sizes them), each task over its share of the
   * batches, each batch's rows read as views and its predictions returned as vectors.
   */
  Run torchscoreColumnar(int tasks) throws TranslateException {
    ColumnarBatch[] batches = columnarBatches();
    int share = batches.length / tasks;
    if (share == 0) {
      throw new IllegalArgumentException(name + ": " + rows + " rows make no whole batch for each of " + tasks + " tasks");
    }
    ExecutorService threads = Executors.newFixedThreadPool(tasks);
    try {
      Pass pass = inTasks(threads, tasks, share, (start, end) -> scorer.drainColumnar(batches, start, end));
      return time("torchscore_columnar", tasks, pass, share * tasks * scorer.batchRows());
    } finally {
      threads.shutdownNow();
    }
  }

  /** Builds the rows' columnar batches once: id and the features, in heap vectors as Spark's readers make them. */
  private ColumnarBatch[] columnarBatches() {
    if (columnarBatches == null) {
      int batch = scorer.batchRows();
      columnarBatches = new ColumnarBatch[rows / batch];
      FloatBuffer floats = data.duplicate().order(ByteOrder.nativeOrder()).asFloatBuffer();
      float[] values = new float[batch * width];
      for (int b = 0; b < columnarBatches.length; b++) {
        OnHeapColumnVector ids = new OnHeapColumnVector(batch, DataTypes.LongType);
        OnHeapColumnVector features = new OnHeapColumnVector(batch, DataTypes.createArrayType(DataTypes.FloatType, false));
        features.arrayData().reserve(batch * width);
        floats.position(b * batch * width).get(values);
        features.arrayData().putFloats(0, batch * width, values, 0);
        for (int r = 0; r < batch; r++) {
          ids.putLong(r, (long) b * batch + r);
          features.putArray(r, r * width, width);
        }
        columnarBatches[b] = new ColumnarBatch(new ColumnVector[] {ids, features}, batch);
      }
    }
    return columnarBatches;
  }

  /**
   * Times torchscore's path under batch.size=auto: each task scores its share of the rows as one
   * partition; the untimed first pass chooses the size (its first batches timed), the timed passes
   * reuse it, as an executor's later tasks do. The run's batch size is the size chosen.
   */
  Run torchscoreAuto(int tasks) throws TranslateException {
    int share = rows / tasks;
    ExecutorService threads = Executors.newFixedThreadPool(tasks);
    try {
      Pass pass = inTasks(threads, tasks, share, (start, end) -> scorer.drain(internalRows, start, end));
      Run run = time("torchscore_auto", tasks, pass, share * tasks);
      return new Run(run.model(), run.precision(), run.mode(), tasks, scorer.chosenBatchSize(), run.rows(), run.seconds());
    } finally {
      threads.shutdownNow();
    }
  }

  /** Times a pass of whole batches only: a ragged last batch is a new shape, which TorchScript re-optimises for. */
  private Run time(String mode, Pass pass) throws TranslateException {
    int batch = scorer.batchRows();
    int whole = rows - rows % batch;
    if (whole == 0) {
      throw new IllegalArgumentException(name + ": " + rows + " rows make no whole batch of " + batch);
    }
    Pass batches =
        (from, to) -> {
          for (int start = from; start < to; start += batch) {
            pass.score(start, start + batch);
          }
        };
    return time(mode, 1, batches, whole);
  }

  /** Runs one untimed pass over rows {@code [0, whole)}, then timed passes for the least seconds. */
  private Run time(String mode, int tasks, Pass pass, int whole) throws TranslateException {
    pass.score(0, whole);
    long start = System.nanoTime();
    long scored = 0;
    do {
      pass.score(0, whole);
      scored += whole;
    } while (System.nanoTime() - start < seconds * 1e9);
    return new Run(name, precision, mode, tasks, scorer.batchRows(), scored, (System.nanoTime() - start) / 1e9);
  }

  /**
   * Returns a pass of {@code tasks} concurrent tasks, task t scoring {@code [t * share, (t + 1) * share)}
   * on its own thread, as an executor's tasks share its model.
   */
  private static Pass inTasks(ExecutorService threads, int tasks, int share, Pass task) {
    return (from, to) -> {
      List<Future<?>> running = new ArrayList<>();
      for (int t = 0; t < tasks; t++) {
        int start = t * share;
        running.add(
            threads.submit(
                () -> {
                  task.score(start, start + share);
                  return null;
                }));
      }
      for (Future<?> done : running) {
        try {
          done.get();
        } catch (InterruptedException | ExecutionException e) {
          throw new TranslateException("A task failed", e);
        }
      }
    };
  }

  /** Scores rows {@code [from, to)}. */
  @FunctionalInterface
  private interface Pass {
    void score(int from, int to) throws TranslateException;
  }
}
