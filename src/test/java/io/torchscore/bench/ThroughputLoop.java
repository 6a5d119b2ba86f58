package io.torchscore.bench;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Random;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * Times one model at one batch size two ways on the same loaded module and device, host memory
 * to host memory: {@code raw}, a plain DJL loop (a tensor made from a slice of one direct buffer,
 * one forward, the output copied back), and {@code torchscore}, the same rows in Spark's internal
 * format through {@link BelowSparkScorer}. Each runs one untimed pass first, then whole passes
 * over the rows until {@code seconds} have passed.
 */
final class ThroughputLoop {

  /** One timed run. */
  record Run(String model, String mode, int batchSize, long rows, double seconds) {

    double rowsPerSecond() {
      return rows / seconds;
    }
  }

  private final String name;
  private final BelowSparkScorer scorer;
  private final int width;
  private final int rows;
  private final double seconds;
  private final ByteBuffer data;
  private final InternalRow[] internalRows;

  /** Makes {@code rows} random rows of {@code width} floats (a fixed seed) for the scorer's model. */
  ThroughputLoop(String name, BelowSparkScorer scorer, int width, int rows, double seconds) {
    this.name = name;
    this.scorer = scorer;
    this.width = width;
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
              NDList output = predictor.predict(new NDList(batch.create(slice, new Shape(to - from, width), DataType.FLOAT32)));
              output.attach(batch);
              output.singletonOrThrow().toFloatArray();
            }
          };
      return time("raw", pass);
    }
  }

  /** Times torchscore's path: encoder, forward, decoder, rows with predictions appended. */
  Run torchscore() throws TranslateException {
    return time("torchscore", (from, to) -> scorer.scoreBatch(internalRows, from, to));
  }

  private Run time(String mode, Pass pass) throws TranslateException {
    int batch = scorer.batchRows();
    runPass(pass, batch);
    long start = System.nanoTime();
    long scored = 0;
    do {
      scored += runPass(pass, batch);
    } while (System.nanoTime() - start < seconds * 1e9);
    return new Run(name, mode, batch, scored, (System.nanoTime() - start) / 1e9);
  }

  /** Scores whole batches only: a ragged last batch is a new shape, which TorchScript re-optimises for. */
  private long runPass(Pass pass, int batch) throws TranslateException {
    int whole = rows - rows % batch;
    if (whole == 0) {
      throw new IllegalArgumentException(name + ": " + rows + " rows make no whole batch of " + batch);
    }
    for (int from = 0; from < whole; from += batch) {
      pass.score(from, from + batch);
    }
    return whole;
  }

  /** Scores rows {@code [from, to)}. */
  @FunctionalInterface
  private interface Pass {
    void score(int from, int to) throws TranslateException;
  }
}
