package io.torchscore.bench;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoopTranslator;
import io.torchscore.model.DjlEnvironment;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code raw} mode, the engine's ceiling: a plain DJL loop over tensors built before the
 * clock starts, from the same rows (the float32 export). The cores are used as the Spark modes
 * use them: {@code --loops} Java threads, each with its own predictor over its share of the
 * batches, each libtorch call on one intra-op thread (DJL's thread count is fixed per JVM).
 * Each forward's output is copied back to a Java array, as any consumer must, then closed.
 */
@Command(name = "raw", description = "Times a plain DJL loop over pre-built tensors.")
final class RawLoopCommand implements Callable<Integer> {

  @Option(names = "--model", required = true, description = "mlp or resnet18")
  private String model;

  @Option(names = "--model-path", required = true, description = "The TorchScript file.")
  private Path modelPath;

  @Option(names = "--data", required = true, description = "Raw little-endian float32 rows.")
  private Path data;

  @Option(names = "--width", required = true, description = "Floats per row.")
  private int width;

  @Option(names = "--batch-sizes", required = true, split = ",", description = "Batch sizes, in order.")
  private List<Integer> batchSizes;

  @Option(names = "--loops", defaultValue = "2", description = "Concurrent loops (Java threads).")
  private int loops;

  @Option(names = "--intra-op-threads", defaultValue = "1", description = "libtorch threads per call.")
  private int intraOpThreads;

  @Option(names = "--warmup-batches", defaultValue = "2", description = "Unmeasured forwards per loop first.")
  private int warmupBatches;

  @Option(names = "--repeat", defaultValue = "1", description = "Timed passes over the rows (a short pass is noisy).")
  private int repeat;

  @Option(names = "--runs", required = true, description = "JSON-lines file to append the runs to.")
  private Path runs;

  @Override
  public Integer call() throws Exception {
    DjlEnvironment.prepare(intraOpThreads, System.getProperty("java.io.tmpdir") + "/torchscore-bench-cache");
    ByteBuffer all = read(data);
    long rows = all.capacity() / ((long) width * Float.BYTES);
    String threads = loops + " loops x " + intraOpThreads + " libtorch intra-op thread(s)";
    ExecutorService pool = Executors.newFixedThreadPool(loops);
    try (Model loaded = Model.newInstance("raw", Device.cpu(), "PyTorch")) {
      loaded.load(modelPath);
      for (int batchSize : batchSizes) {
        try (NDManager manager = loaded.getNDManager().newSubManager()) {
          // Loop l takes a contiguous share of the batches, as a Spark task takes a partition.
          List<List<NDArray>> shares = new ArrayList<>();
          long batches = (rows + batchSize - 1) / batchSize;
          for (int l = 0; l < loops; l++) {
            List<NDArray> share = new ArrayList<>();
            for (long b = batches * l / loops; b < batches * (l + 1) / loops; b++) {
              long from = b * batchSize;
              long to = Math.min(rows, from + batchSize);
              ByteBuffer slice =
                  all.duplicate()
                      .position((int) (from * width * Float.BYTES))
                      .limit((int) (to * width * Float.BYTES))
                      .slice()
                      .order(ByteOrder.nativeOrder());
              share.add(manager.create(slice, new Shape(to - from, width), DataType.FLOAT32));
            }
            shares.add(share);
          }
          List<Predictor<NDList, NDList>> predictors = new ArrayList<>();
          for (int l = 0; l < loops; l++) {
            predictors.add(loaded.newPredictor(new NoopTranslator()));
          }
          try {
            // Unmeasured forwards first, so TorchScript has optimised for this shape.
            runLoops(pool, predictors, shares, warmupBatches);
            long start = System.nanoTime();
            long scored = 0;
            for (int pass = 0; pass < repeat; pass++) {
              scored += runLoops(pool, predictors, shares, Integer.MAX_VALUE);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (scored != rows * repeat) {
              throw new IllegalStateException("raw scored " + scored + " rows; expected " + rows * repeat);
            }
            new RunRecord(
                    model, "raw", RunRecord.Variant.NONE_WRITTEN, batchSize, scored, seconds, threads,
                    repeat == 1 ? null : repeat + " passes over the rows", null)
                .append(runs);
          } finally {
            predictors.forEach(Predictor::close);
          }
        }
      }
    } finally {
      pool.shutdownNow();
    }
    return 0;
  }

  /** Runs each loop over (up to {@code limit} of) its batches; returns the rows scored. */
  private static long runLoops(
      ExecutorService pool, List<Predictor<NDList, NDList>> predictors, List<List<NDArray>> shares, int limit)
      throws Exception {
    List<Future<Long>> loops = new ArrayList<>();
    for (int l = 0; l < shares.size(); l++) {
      Predictor<NDList, NDList> predictor = predictors.get(l);
      List<NDArray> share = shares.get(l);
      loops.add(
          pool.submit(
              () -> {
                long rows = 0;
                for (int b = 0; b < Math.min(limit, share.size()); b++) {
                  NDArray batch = share.get(b);
                  try (NDList output = predictor.predict(new NDList(batch))) {
                    output.singletonOrThrow().toFloatArray();
                  }
                  rows += batch.getShape().get(0);
                }
                return rows;
              }));
    }
    long rows = 0;
    for (Future<Long> loop : loops) {
      rows += loop.get();
    }
    return rows;
  }

  private static ByteBuffer read(Path file) throws IOException {
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = in.size();
      if (size > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(file + " is over 2 GB; use fewer rows");
      }
      ByteBuffer all = ByteBuffer.allocateDirect((int) size).order(ByteOrder.LITTLE_ENDIAN);
      while (all.hasRemaining()) {
        if (in.read(all) < 0) {
          break;
        }
      }
      return all.flip();
    }
  }
}
