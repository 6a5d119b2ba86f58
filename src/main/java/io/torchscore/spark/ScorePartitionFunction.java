package io.torchscore.spark;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.translate.NoopTranslator;
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
import io.torchscore.tensor.BatchEncoder;
import io.torchscore.tensor.InputLayout;
import io.torchscore.tensor.OutputLayout;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.util.TaskCompletionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores one partition on an executor: chooses the task's device (the GPU Spark assigned it, or
 * the CPU), leases the JVM's model for that device (loading it on first use), opens a predictor
 * for this task, and streams the rows through it in batches. Rows stay in Spark's internal
 * format, so no value is boxed on the way in or out.
 */
final class ScorePartitionFunction implements FlatMapFunction<Iterator<InternalRow>, InternalRow> {

  private static final long serialVersionUID = 1L;

  private static final Logger LOG = LoggerFactory.getLogger(ScorePartitionFunction.class);

  // One warning per executor JVM when a GPU Spark assigned cannot be used.
  private static final AtomicBoolean WARNED_FALLBACK = new AtomicBoolean();

  /** What a partition needs besides the model: fixed on the driver, the same for every task. */
  record Plan(
      InputLayout inputs,
      OutputLayout outputs,
      BatchSizing sizing,
      boolean rejectNaN,
      OnError onError,
      int keyIndex,
      String keyColumn,
      DataType keyType,
      RowPacking packing,
      Placement placement,
      ForwardProfiler.Target profile,
      BatchBytes batchBytes)
      implements java.io.Serializable {

    /** Returns this plan for whole rows of the columns read, the key at {@code keyIndex} of them. */
    Plan withWholeRows(int keyIndex, BatchBytes batchBytes) {
      return new Plan(
          inputs, outputs, sizing, rejectNaN, onError, keyIndex, keyColumn, keyType,
          RowPacking.whole(), placement, profile, batchBytes);
    }
  }

  /**
   * Where and how the model runs.
   *
   * @param device {@code spark.torchscore.device}
   * @param precision {@code spark.torchscore.precision}
   * @param gpuConcurrency forwards in flight per GPU
   * @param cacheModels loaded models kept per device
   * @param localMode whether Spark runs in local mode
   */
  record Placement(String device, String precision, int gpuConcurrency, int cacheModels, boolean localMode)
      implements java.io.Serializable {}

  private final Broadcast<ModelRef> modelRef;
  private final Plan plan;
  private final ScoreMetrics metrics;

  ScorePartitionFunction(Broadcast<ModelRef> modelRef, Plan plan, ScoreMetrics metrics) {
    this.modelRef = modelRef;
    this.plan = plan;
    this.metrics = metrics;
  }

  @Override
  public Iterator<InternalRow> call(Iterator<InternalRow> rows) {
    return open(rows);
  }

  /** Starts scoring a partition's rows: the task's model is leased until the iterator is closed. */
  ScoredRowIterator open(Iterator<InternalRow> rows) {
    ModelRef ref = modelRef.value();
    DjlEnvironment.prepare(ref.threads(), ref.cacheDir());
    TaskContext task = TaskContext.get();
    if (task != null) {
      metrics.partitionStarted();
    }
    int partition = task == null ? 0 : task.partitionId();
    DeviceChoice choice = chooseDevice(task, partition);
    Placement placement = plan.placement();
    long leaseStart = System.nanoTime();
    boolean[] loadedHere = new boolean[1];
    ModelCache.Lease lease =
        ModelCache.lease(
            ref,
            choice.device(),
            placement.precision(),
            placement.cacheModels(),
            () -> loadedHere[0] = true);
    if (loadedHere[0]) {
      metrics.modelLoaded(executorId(), executorHost(), System.nanoTime() - leaseStart);
    }
    LoadedModel loaded = lease.model();
    ForwardProfiler profiler = ForwardProfiler.claim(plan.profile(), ref.engine(), executorId(), metrics);
    // A GPU runs a batch while the task encodes the next into pinned memory; a CPU has nothing to overlap.
    boolean gpu = choice.device().isGpu();
    Predictor<NDList, NDList> predictor = loaded.model().newPredictor(new NoopTranslator());
    ModelForward forward = ModelForward.of(loaded, predictor);
    ScoredRowIterator scored =
        new ScoredRowIterator(
            rows,
            new ModelRunner(
                profiler == null ? forward : profiler.wrap(forward),
                loaded.model().getNDManager(),
                loaded.floatType(),
                GpuGate.of(choice.device(), placement.gpuConcurrency()),
                gpu,
                () -> {
                  try (lease; profiler) {
                    predictor.close();
                  }
                }),
            rowsPerBatch -> {
              BatchEncoder encoder = new BatchEncoder(plan.inputs(), rowsPerBatch, plan.rejectNaN());
              return gpu ? encoder.pinned() : encoder;
            },
            plan.outputs(),
            plan.sizing().sizer(lease, plan.inputs(), choice.device(), executorId()),
            plan.onError(),
            new RowNaming(partition, plan.keyIndex(), plan.keyColumn(), plan.keyType()),
            plan.packing(),
            metrics,
            plan.batchBytes());
    if (task != null) {
      // A downstream limit can stop reading early: the task's end still closes the predictor.
      task.addTaskCompletionListener(
          new TaskCompletionListener() {
            @Override
            public void onTaskCompletion(TaskContext context) {
              scored.close();
            }
          });
    }
    return scored;
  }

  private DeviceChoice chooseDevice(TaskContext task, int partition) {
    Placement placement = plan.placement();
    List<String> addresses = List.of();
    if (task != null) {
      ResourceInformation gpus = task.resourcesJMap().get("gpu");
      if (gpus != null) {
        addresses = Arrays.asList(gpus.addresses());
      }
    }
    int cudaDevices =
        "cpu".equals(placement.device()) || (addresses.isEmpty() && !placement.localMode())
            ? 0
            : DeviceProbe.get(ModelEngine.of(modelRef.value().engine())).cudaDevices();
    DeviceChoice choice =
        DeviceChoice.choose(
            placement.device(),
            addresses,
            System.getenv("CUDA_VISIBLE_DEVICES"),
            cudaDevices,
            placement.localMode(),
            partition);
    if (choice.fallback() != null && WARNED_FALLBACK.compareAndSet(false, true)) {
      LOG.warn("Scoring on the CPU: {}; set spark.torchscore.device=gpu to fail instead", choice.fallback());
    }
    metrics.device("executor " + executorId() + ", partition " + partition + ": " + choice.describe());
    return choice;
  }

  private static String executorId() {
    return org.apache.spark.SparkEnv.get() == null ? "driver" : org.apache.spark.SparkEnv.get().executorId();
  }

  private static String executorHost() {
    org.apache.spark.SparkEnv env = org.apache.spark.SparkEnv.get();
    return env == null ? "localhost" : env.blockManager().blockManagerId().host();
  }
}
