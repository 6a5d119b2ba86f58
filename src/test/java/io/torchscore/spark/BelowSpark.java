package io.torchscore.spark;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.translate.NoopTranslator;
import io.torchscore.config.ConfKeys;
import io.torchscore.config.ScoreSettings;
import io.torchscore.config.ScoreSettings.OnError;
import io.torchscore.model.DeviceChoice;
import io.torchscore.model.DeviceProbe;
import io.torchscore.model.DjlEnvironment;
import io.torchscore.model.GpuGate;
import io.torchscore.model.LoadedModel;
import io.torchscore.model.ModelCache;
import io.torchscore.model.ModelEngine;
import io.torchscore.model.ModelRef;
import io.torchscore.sparkinternal.BatchBytes;
import io.torchscore.sparkinternal.ColumnarPartition;
import io.torchscore.sparkinternal.PartitionScorer;
import io.torchscore.tensor.BatchEncoder;
import io.torchscore.tensor.InputLayout;
import io.torchscore.tensor.OutputLayout;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * An executor's scoring path without Spark's scheduler, for the real-GPU check: the device chosen
 * as a local-mode task's (DeviceChoice, the CUDA probe), the model leased from the executor cache
 * in the asked precision, checked with a sample batch as the driver does, and partitions scored
 * by the same iterator an executor runs (prefetch and pinned buffers on a GPU). The GPU machine
 * has no Hadoop file systems, so the model is put in the cache folder here, as a fetch would.
 */
public final class BelowSpark implements AutoCloseable {

  private final ScoreSettings settings;
  private final DeviceChoice choice;
  private final ModelCache.Lease lease;
  private final InputLayout inputs;
  private final OutputLayout outputs;
  private final int batchRows;
  private final BatchSizing sizing;
  private final BatchBytes batchBytes;
  private final StructType schema;

  /**
   * Loads the model as an executor would.
   *
   * @param settings the scoring settings (model, features, device, precision, batch size)
   * @param schema the rows' schema
   * @param threads libtorch intra-op threads
   * @param width the length of an array feature column
   * @throws IOException when the model cannot be put in the cache folder
   */
  public BelowSpark(ScoreSettings settings, StructType schema, int threads, int width) throws IOException {
    this.settings = settings;
    ModelRef ref =
        cached(Path.of(settings.get(ConfKeys.MODEL_PATH)), threads, settings.get(ConfKeys.CACHE_DIR))
            .withEngine(settings.get(ConfKeys.ENGINE), settings.get(ConfKeys.ONNXRUNTIME_PROVIDER));
    DjlEnvironment.prepare(ref.threads(), ref.cacheDir());
    int cuda = "cpu".equals(settings.get(ConfKeys.DEVICE)) ? 0 : DeviceProbe.get(ModelEngine.of(settings.get(ConfKeys.ENGINE))).cudaDevices();
    this.choice = DeviceChoice.choose(settings.get(ConfKeys.DEVICE), List.of(), null, cuda, true, 0);
    this.lease = ModelCache.lease(ref, choice.device(), settings.get(ConfKeys.PRECISION), settings.get(ConfKeys.CACHE_MODELS), () -> { });
    this.inputs = InputLayout.resolve(settings, schema, column -> width);
    this.outputs = ModelValidator.validate(lease.model(), inputs, settings, null);
    this.sizing = new BatchSizing(settings.get(ConfKeys.BATCH_SIZE), settings.get(ConfKeys.BATCH_MAX_BYTES), new BatchSizeChoices());
    this.batchRows = sizing.rows(inputs, choice.device());
    this.batchBytes = new BatchBytes(schema, settings.get(ConfKeys.BATCH_ROWS_MAX_BYTES));
    this.schema = schema;
  }

  /**
   * Scores one partition's rows, as an executor's task does; tasks on several threads share the
   * loaded model and the GPU's gate, each with its own counters.
   *
   * @param rows the rows
   * @return the rows with their predictions appended
   */
  public Iterator<InternalRow> score(Iterator<InternalRow> rows) {
    return open(rows);
  }

  private ScoredRowIterator open(Iterator<InternalRow> rows) {
    LoadedModel loaded = lease.model();
    boolean gpu = choice.device().isGpu();
    Predictor<NDList, NDList> predictor = loaded.model().newPredictor(new NoopTranslator());
    return new ScoredRowIterator(
        rows,
        new ModelRunner(
            ModelForward.of(loaded, predictor),
            loaded.model().getNDManager(),
            loaded.floatType(),
            GpuGate.of(choice.device(), settings.get(ConfKeys.GPU_CONCURRENCY)),
            gpu,
            predictor),
        rowsPerBatch -> {
          BatchEncoder encoder = new BatchEncoder(inputs, rowsPerBatch, settings.rejectNaN());
          return gpu ? encoder.pinned() : encoder;
        },
        outputs,
        sizing.sizer(lease, inputs, choice.device(), "driver"),
        OnError.FAIL,
        new RowNaming(0, -1, null, null),
        RowPacking.whole(),
        ScoreMetrics.unregistered(),
        batchBytes);
  }

  /**
   * Scores one partition of columnar batches, as an executor's task does on the columnar path
   * (batches of the rows' schema; their rows read as views, the predictions returned as vectors).
   *
   * @param batches the batches
   * @return batches of one struct column: the input's columns and the predictions
   */
  public Iterator<ColumnarBatch> scoreColumnar(Iterator<ColumnarBatch> batches) {
    StructType scored = schema;
    for (org.apache.spark.sql.types.StructField field : outputs.fields()) {
      scored = scored.add(field);
    }
    int[] all = new int[schema.size()];
    for (int i = 0; i < all.length; i++) {
      all[i] = i;
    }
    PartitionScorer scorer = this::open;
    return new ColumnarPartition(scorer, schema, scored, outputs.fields().size()).score(batches, all, all);
  }

  /** Returns the device chosen, e.g. {@code gpu(0)}. */
  public String device() {
    return choice.describe();
  }

  /** Returns the loaded model, for a raw loop on the same module. */
  public Model model() {
    return lease.model().model();
  }

  /** Returns the model's float type after the precision setting (FLOAT32 or FLOAT16). */
  public ai.djl.ndarray.types.DataType floatType() {
    return lease.model().floatType();
  }

  /** Returns the type of the first prediction column. */
  public DataType predictionType() {
    return outputs.fields().get(0).dataType();
  }

  /** Returns the rows per batch: the fixed size, or the most batch.size=auto may choose. */
  public int batchRows() {
    return batchRows;
  }

  /** Returns the sizes batch.size=auto chose, once a partition ended after the choice. */
  public java.util.List<BatchSizeChoices.Choice> batchSizeChoices() {
    return sizing.choices().value();
  }

  @Override
  public void close() {
    lease.close();
  }

  private static ModelRef cached(Path model, int threads, String cacheDir) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try (InputStream in = new DigestInputStream(Files.newInputStream(model), digest)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    String sha256 = HexFormat.of().formatHex(digest.digest());
    ModelRef ref = new ModelRef(model.toUri().toString(), sha256, Files.size(model), threads, cacheDir, null);
    Path folder = Path.of(ref.cacheDir());
    Files.createDirectories(folder);
    Files.copy(model, folder.resolve(sha256 + ".pt"), StandardCopyOption.REPLACE_EXISTING);
    return ref;
  }
}
