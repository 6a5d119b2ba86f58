package io.torchscore.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.LibUtils;
import io.torchscore.TorchScoreException;
import io.torchscore.model.DjlEnvironment;
import io.torchscore.model.EngineStarter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.ArrayType;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The real-GPU check (jobs/gpu/check.sh), below Spark: scores the golden fixtures on the given
 * device through torchscore's scoring path and compares them with PyTorch's outputs, then times
 * that path, as one task and as several tasks sharing the device, against a plain DJL loop on the
 * same card for the tutorial MLP, the image fixture (224 x 224 images through 4 x 4 average
 * pooling: a forward about as cheap as reading the batch, so the host's work per image shows) and
 * ResNet-18 when its export is given. Prints one JSON object as its last line; exits 0 when every
 * fixture matched, 1 when one did not, 2 when the device is not usable.
 */
@Command(
    name = "gpu-check",
    mixinStandardHelpOptions = true,
    description = "Golden outputs and throughput of torchscore's scoring path on one device.")
public final class GpuCheckCommand implements Callable<Integer> {

  private static final List<String> FIXTURES = List.of("tutorial_mlp", "vector_mlp");
  private static final int RESNET_WIDTH = 3 * 224 * 224;
  private static final List<Long> IMAGE_SHAPE = List.of(3L, 224L, 224L);

  @Option(names = "--device", required = true, description = "cpu or gpu (CUDA device 0).")
  private String device;

  @Option(names = "--fixtures", defaultValue = "src/test/resources/fixtures", description = "The golden fixtures' folder.")
  private Path fixtures;

  @Option(names = "--tolerance", defaultValue = "1e-5", description = "Largest difference from PyTorch's outputs.")
  private double tolerance;

  @Option(names = "--mlp-rows", defaultValue = "1048576", description = "Rows of the MLP's throughput runs.")
  private int mlpRows;

  @Option(names = "--mlp-batch-sizes", defaultValue = "4096,65536", split = ",", description = "MLP batch sizes.")
  private List<Integer> mlpBatchSizes;

  @Option(names = "--resnet18", description = "ResNet-18 export of export_resnet18.py; its runs are skipped when absent.")
  private Path resnet18;

  @Option(names = "--resnet-rows", defaultValue = "1024", description = "Images of ResNet-18's throughput runs.")
  private int resnetRows;

  @Option(names = "--resnet-batch-sizes", defaultValue = "64,256", split = ",", description = "ResNet-18 batch sizes.")
  private List<Integer> resnetBatchSizes;

  @Option(names = "--image-rows", defaultValue = "512", description = "Images of the image fixture's throughput runs.")
  private int imageRows;

  @Option(names = "--image-batch-sizes", defaultValue = "64", split = ",", description = "Image fixture batch sizes.")
  private List<Integer> imageBatchSizes;

  @Option(
      names = "--tasks",
      defaultValue = "1,4",
      split = ",",
      description = "Tasks scoring at once on the device, sharing its model (as with spark.task.resource.gpu.amount=1/n).")
  private List<Integer> tasks;

  @Option(names = "--precisions", defaultValue = "fp32,fp16", split = ",", description = "spark.torchscore.precision of the throughput runs.")
  private List<String> precisions;

  @Option(names = "--seconds", defaultValue = "3", description = "Least timed seconds per run.")
  private double seconds;

  @Option(names = "--threads", defaultValue = "1", description = "libtorch intra-op threads.")
  private int threads;

  @Option(
      names = "--auto",
      defaultValue = "true",
      negatable = true,
      description = "Also time each model with batch.size=auto (as 1 and 4 tasks), against its best fixed size.")
  private boolean auto;

  @Option(names = "--out", description = "Also write the JSON result here.")
  private Path out;

  /**
   * Runs the check and exits with its code.
   *
   * @param args the command-line arguments
   */
  public static void main(String[] args) {
    System.exit(new CommandLine(new GpuCheckCommand()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Device target = switch (device) {
      case "cpu" -> Device.cpu();
      case "gpu" -> Device.gpu(0);
      default -> throw new CommandLine.ParameterException(
          new CommandLine(this), "Invalid --device " + device + ": expected cpu or gpu");
    };
    Json json = new Json();
    try {
      DjlEnvironment.prepare(threads, System.getProperty("java.io.tmpdir") + "/torchscore-gpu-check");
      checkUsable(target);
    } catch (TorchScoreException e) {
      System.err.println("torchscore: " + e.getMessage());
      return 2;
    }
    Engine engine = Engine.getEngine(EngineStarter.ENGINE);
    json.field("device", target.toString())
        .field("libtorch", engine.getVersion())
        .field("libtorch_path", LibUtils.getLibtorchPath())
        .field("cuda_build", engine.hasCapability("CUDA"))
        .field("java", System.getProperty("java.version"));

    boolean matched = true;
    List<String> goldens = new ArrayList<>();
    for (String name : FIXTURES) {
      GoldenFixture fixture = GoldenFixture.read(fixtures, name);
      for (String precision : List.of("fp32", "fp16")) {
        // float16 keeps 11 significant bits: these MLPs stay within 1e-2 of PyTorch's float32.
        double bound = precision.equals("fp32") ? tolerance : Math.max(tolerance, 1e-2);
        double error = maxError(fixture, precision);
        matched &= error <= bound;
        goldens.add(
            new Json()
                .field("model", name)
                .field("precision", precision)
                .field("rows", fixture.features().length)
                .field("max_abs_error", error)
                .field("tolerance", bound)
                .field("matched", error <= bound)
                .toString());
      }
    }
    json.raw("goldens", "[" + String.join(", ", goldens) + "]");

    List<ThroughputLoop.Run> runs = new ArrayList<>();
    Path mlp = fixtures.resolve("tutorial_mlp.pt");
    for (String precision : precisions) {
      for (int batch : mlpBatchSizes) {
        runs.addAll(time("mlp", mlp, precision, 10, List.of(), mlpRows, batch));
      }
      runs.addAll(timeAuto("mlp", mlp, precision, 10, List.of(), mlpRows));
    }
    Path images = fixtures.resolve("image_classifier.pt");
    for (String precision : precisions) {
      for (int batch : imageBatchSizes) {
        runs.addAll(time("image_pool", images, precision, RESNET_WIDTH, IMAGE_SHAPE, imageRows, batch));
      }
      runs.addAll(timeAuto("image_pool", images, precision, RESNET_WIDTH, IMAGE_SHAPE, imageRows));
    }
    if (resnet18 != null && Files.isRegularFile(resnet18)) {
      for (String precision : precisions) {
        for (int batch : resnetBatchSizes) {
          runs.addAll(time("resnet18", resnet18, precision, RESNET_WIDTH, List.of(), resnetRows, batch));
        }
        runs.addAll(timeAuto("resnet18", resnet18, precision, RESNET_WIDTH, List.of(), resnetRows));
      }
    } else {
      json.field("resnet18", "skipped: no export given (--resnet18)");
    }
    List<String> rows = new ArrayList<>();
    ThroughputLoop.Run raw = null;
    java.util.Map<String, Double> bestFixed = new java.util.HashMap<>();
    for (ThroughputLoop.Run run : runs) {
      Json row =
          new Json()
              .field("model", run.model())
              .field("precision", run.precision())
              .field("mode", run.mode())
              .field("tasks", run.tasks())
              .field("batch_size", run.batchSize())
              .field("rows", run.rows())
              .field("seconds", run.seconds())
              .field("rows_per_s", run.rowsPerSecond());
      String sameTasks = run.model() + " " + run.precision() + " " + run.tasks();
      if (run.mode().equals("raw")) {
        raw = run; // each model, precision and batch size: raw first, then torchscore's runs
      } else if (run.mode().equals("torchscore") || run.mode().equals("torchscore_columnar")) {
        row.field("vs_raw", run.rowsPerSecond() / raw.rowsPerSecond());
        bestFixed.merge(sameTasks, run.rowsPerSecond(), Math::max);
      } else {
        // batch.size=auto, after the fixed sizes of the same model, precision and tasks.
        row.field("vs_best_fixed", run.rowsPerSecond() / bestFixed.getOrDefault(sameTasks, Double.NaN));
      }
      rows.add(row.toString());
      System.err.printf(
          Locale.ROOT,
          "%-10s %-4s %-10s %d task(s) batch %6d: %,14.1f rows/s%n",
          run.model(),
          run.precision(),
          run.mode(),
          run.tasks(),
          run.batchSize(),
          run.rowsPerSecond());
    }
    json.raw("throughput", "[" + String.join(", ", rows) + "]").field("matched", matched);
    String result = json.toString();
    if (out != null) {
      Files.writeString(out, result + "\n", StandardCharsets.UTF_8);
    }
    System.out.println(result);
    return matched ? 0 : 1;
  }

  /** Fails with one line unless a tensor can be made on the device. */
  private static void checkUsable(Device target) {
    try (NDManager manager = NDManager.newBaseManager(target, EngineStarter.ENGINE)) {
      manager.zeros(new Shape(1)).toFloatArray();
    } catch (RuntimeException e) {
      throw new TorchScoreException(
          e,
          "Cannot check on %s: libtorch cannot make a tensor there (%s); use a CUDA build of libtorch"
              + " (PYTORCH_FLAVOR=cu...) on a machine with a GPU",
          target,
          TorchScoreException.firstLine(e.getMessage()));
    }
  }

  /** Scores a fixture on the device and returns the largest difference from PyTorch's outputs. */
  private double maxError(GoldenFixture fixture, String precision) throws Exception {
    int rows = fixture.features().length;
    InternalRow[] input = new InternalRow[rows];
    for (int i = 0; i < rows; i++) {
      input[i] = BelowSparkScorer.row(i, fixture.features()[i]);
    }
    double error = 0;
    try (BelowSparkScorer scorer = new BelowSparkScorer(fixture.model(), device, precision, threads, fixture.width(), List.of(), 256)) {
      boolean array = scorer.predictionType() instanceof ArrayType;
      // Two partitions, so that each spans several batches (and prefetches on a GPU).
      for (int from = 0; from < rows; from += (rows + 1) / 2) {
        int to = Math.min(rows, from + (rows + 1) / 2);
        InternalRow[] scored = scorer.score(input, from, to);
        for (int i = 0; i < scored.length; i++) {
          // Columns: id, features, then the prediction.
          float[] predicted = array ? scored[i].getArray(2).toFloatArray() : new float[] {scored[i].getFloat(2)};
          double[] expected = fixture.expected()[from + i];
          if (predicted.length != expected.length) {
            return Double.POSITIVE_INFINITY;
          }
          for (int k = 0; k < expected.length; k++) {
            error = Math.max(error, Math.abs(predicted[k] - expected[k]));
          }
        }
      }
    }
    return error;
  }

  /** Times one model at one batch size over at least {@code rows} rows: a whole batch for each task at least. */
  private List<ThroughputLoop.Run> time(String name, Path model, String precision, int width, List<Long> shape, int rows, int batch)
      throws Exception {
    try (BelowSparkScorer scorer = new BelowSparkScorer(model, device, precision, threads, width, shape, batch)) {
      System.err.println("gpu-check: " + name + " " + precision + " on " + scorer.device());
      int least = Math.multiplyExact(batch, tasks.stream().mapToInt(Integer::intValue).max().orElse(1));
      ThroughputLoop loop = new ThroughputLoop(name, precision, scorer, width, shape, Math.max(rows, least), seconds);
      List<ThroughputLoop.Run> runs = new ArrayList<>();
      runs.add(loop.raw());
      for (int count : tasks) {
        runs.add(loop.torchscore(count));
      }
      for (int count : tasks) {
        runs.add(loop.torchscoreColumnar(count));
      }
      return runs;
    }
  }

  /** Times one model under batch.size=auto, as each task count; none with --no-auto. */
  private List<ThroughputLoop.Run> timeAuto(String name, Path model, String precision, int width, List<Long> shape, int rows)
      throws Exception {
    List<ThroughputLoop.Run> runs = new ArrayList<>();
    if (!auto) {
      return runs;
    }
    for (int count : tasks) {
      // A fresh load each time: the choice is kept with the loaded model, and each count chooses.
      try (BelowSparkScorer scorer = new BelowSparkScorer(model, device, precision, threads, width, shape, BelowSparkScorer.AUTO)) {
        runs.add(new ThroughputLoop(name, precision, scorer, width, shape, rows, seconds).torchscoreAuto(count));
      }
    }
    return runs;
  }

  /** A flat JSON object written by hand: the GPU kit carries no JSON library. */
  private static final class Json {

    private final StringBuilder text = new StringBuilder();

    Json field(String name, Object value) {
      String written;
      if (value instanceof Double number) {
        written = number.isInfinite() || number.isNaN() ? "null" : String.format(Locale.ROOT, "%.6g", number);
      } else if (value instanceof Number || value instanceof Boolean) {
        written = value.toString();
      } else {
        written = "\"" + value.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
      }
      return raw(name, written);
    }

    Json raw(String name, String json) {
      text.append(text.length() == 0 ? "" : ", ").append('"').append(name).append("\": ").append(json);
      return this;
    }

    @Override
    public String toString() {
      return "{" + text + "}";
    }
  }
}
