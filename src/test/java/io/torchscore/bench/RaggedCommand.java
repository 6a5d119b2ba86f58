package io.torchscore.bench;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoopTranslator;
import io.torchscore.model.DjlEnvironment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Ragged last batches: a Spark partition rarely holds a whole number of
 * batches, so its last forward has a row count TorchScript has not seen, and each partition's is
 * different. Times, as one task scores them (one loop, one libtorch thread), partitions of
 * {@code --full-batches} full batches plus a last batch of a different size each, three ways,
 * each on a freshly loaded model:
 *
 * <ul>
 *   <li>{@code optimizer-on}: DJL's default (libtorch's profiling graph executor on), the last
 *       batch as it is: what torchscore does;
 *   <li>{@code optimizer-off}: {@code -Dai.djl.pytorch.graph_optimizer=false} (DJL applies it per
 *       thread at each forward), the last batch as it is;
 *   <li>{@code padded}: optimizer on, the last batch padded with zero rows to the batch size, so
 *       every forward has the same shape; the padding's outputs are dropped.
 * </ul>
 *
 * Each way first scores one untimed partition (model load, first optimisation). The ways run
 * in {@code --rounds} rounds, in reverse order every other round so that none is always first,
 * and each way's best round is recorded (the machine's load varies). The rate counts real rows
 * only.
 */
@Command(name = "ragged", description = "Times ragged last batches: graph optimizer on, off, or padding.")
final class RaggedCommand implements Callable<Integer> {

  static final List<String> WAYS = List.of("optimizer-on", "optimizer-off", "padded");

  @Option(names = "--model", required = true, description = "mlp or resnet18")
  private String model;

  @Option(names = "--model-path", required = true, description = "The TorchScript file.")
  private Path modelPath;

  @Option(names = "--width", required = true, description = "Floats per row.")
  private int width;

  @Option(names = "--batch-size", required = true, description = "Rows per full batch.")
  private int batchSize;

  @Option(names = "--partitions", defaultValue = "8", description = "Timed partitions, each with another last-batch size.")
  private int partitions;

  @Option(names = "--full-batches", defaultValue = "4", description = "Full batches per partition.")
  private int fullBatches;

  @Option(names = "--rounds", defaultValue = "2", description = "Rounds over the three ways; the best of each is kept.")
  private int rounds;

  @Option(names = "--runs", required = true, description = "JSON-lines file to append the runs to.")
  private Path runs;

  private FloatBuffer padded;

  @Override
  public Integer call() throws Exception {
    DjlEnvironment.prepare(1, System.getProperty("java.io.tmpdir") + "/torchscore-bench-cache");
    FloatBuffer rows =
        ByteBuffer.allocateDirect(batchSize * width * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    SplittableRandom random = new SplittableRandom(10);
    for (int i = 0; i < rows.capacity(); i++) {
      rows.put(i, (float) random.nextDouble(-1, 1));
    }
    padded = ByteBuffer.allocateDirect(batchSize * width * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    padded.put(rows.duplicate()).clear();
    // Distinct last-batch sizes spread over 1 .. batchSize - 1, as partitions of real tables have.
    int[] lastSizes = new int[partitions + 1];
    for (int p = 0; p <= partitions; p++) {
      lastSizes[p] = 1 + (int) ((long) (batchSize - 1) * (2L * p + 1) / (2L * (partitions + 1)));
    }
    Map<String, RunRecord> best = new HashMap<>();
    for (int round = 0; round < rounds; round++) {
      List<String> order = new ArrayList<>(WAYS);
      if (round % 2 == 1) {
        Collections.reverse(order);
      }
      for (String way : order) {
        RunRecord run = time(way, rows, lastSizes);
        best.merge(way, run, (a, b) -> a.rowsPerSecond() >= b.rowsPerSecond() ? a : b);
      }
    }
    for (String way : WAYS) {
      best.get(way).append(runs);
    }
    return 0;
  }

  /** Times one way over the partitions, on a freshly loaded model. */
  private RunRecord time(String way, FloatBuffer rows, int[] lastSizes) throws Exception {
    System.setProperty("ai.djl.pytorch.graph_optimizer", Boolean.toString(!"optimizer-off".equals(way)));
    try (Model loaded = Model.newInstance("ragged-" + way, Device.cpu(), "PyTorch")) {
      loaded.load(modelPath);
      try (Predictor<NDList, NDList> predictor = loaded.newPredictor(new NoopTranslator())) {
        boolean pad = "padded".equals(way);
        // The untimed first partition takes the last size no timed partition has.
        partition(loaded, predictor, rows, lastSizes[partitions], pad);
        long start = System.nanoTime();
        long scored = 0;
        long lastNanos = 0;
        for (int p = 0; p < partitions; p++) {
          long[] times = partition(loaded, predictor, rows, lastSizes[p], pad);
          scored += times[0];
          lastNanos += times[1];
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        String note =
            String.format(
                "best of %d rounds; %d partitions of %d full batches + a last batch of %d..%d rows; the last"
                    + " batches took %.0f%% of the time (%.1f ms each)",
                rounds, partitions, fullBatches, lastSizes[0], lastSizes[partitions - 1], 100 * lastNanos / 1e9 / seconds,
                lastNanos / 1e6 / partitions);
        return new RunRecord(model, "ragged-" + way, RunRecord.Variant.NONE_WRITTEN, batchSize, scored, seconds,
            "1 loop x 1 libtorch intra-op thread", note, null);
      }
    }
  }

  /** Scores one partition; returns its real rows and the nanoseconds of its last batch. */
  private long[] partition(Model loaded, Predictor<NDList, NDList> predictor, FloatBuffer rows, int lastSize, boolean pad)
      throws Exception {
    for (int b = 0; b < fullBatches; b++) {
      forward(loaded, predictor, rows, batchSize, batchSize);
    }
    long start = System.nanoTime();
    forward(loaded, predictor, rows, lastSize, pad ? batchSize : lastSize);
    return new long[] {(long) fullBatches * batchSize + lastSize, System.nanoTime() - start};
  }

  /** One forward of {@code shapeRows} rows, of which the first {@code realRows} are read back. */
  private void forward(Model loaded, Predictor<NDList, NDList> predictor, FloatBuffer rows, int realRows, int shapeRows)
      throws Exception {
    try (NDManager manager = loaded.getNDManager().newSubManager()) {
      FloatBuffer batch = rows.duplicate();
      if (shapeRows > realRows) {
        // The padding: zero rows after the real ones (the real rows' values do not change the timing).
        batch = padded.duplicate();
        for (int i = realRows * width; i < shapeRows * width; i++) {
          batch.put(i, 0f);
        }
      }
      batch.limit(shapeRows * width);
      try (NDList output =
          predictor.predict(new NDList(manager.create(batch.slice(), new Shape(shapeRows, width), DataType.FLOAT32)))) {
        output.singletonOrThrow().get("0:" + realRows).toFloatArray();
      }
    }
  }
}
