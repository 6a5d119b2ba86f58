package io.torchscore.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.EngineException;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoopTranslator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.torchscore.SparkTestBase;
import io.torchscore.config.ScoreSettings;
import io.torchscore.config.ScoreSettings.OnError;
import io.torchscore.model.GpuGate;
import io.torchscore.sparkinternal.BatchBytes;
import io.torchscore.tensor.BatchEncoder;
import io.torchscore.tensor.InputLayout;
import io.torchscore.tensor.OutputLayout;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A partition's rows through the model below Spark's scheduling, with and without prefetch (two
 * batches alternating, as on a GPU): a batch the device has no memory for is split until it
 * fits, whatever the error policy; bad rows and rows the model fails on are isolated; every other
 * row gets PyTorch's prediction, in input order; no tensor outlives its batch; and a task whose
 * GPU slot another task waits for gives it back before reading on.
 */
class ScoredRowIteratorTest extends SparkTestBase {

  private static final int FITS = 8;

  private static final List<JsonNode> GOLDEN = new ArrayList<>();

  @BeforeAll
  static void readGoldens() throws Exception {
    ObjectMapper json = new ObjectMapper();
    for (String line : Files.readAllLines(fixture("tutorial_mlp.jsonl"))) {
      GOLDEN.add(json.readTree(line));
    }
  }

  @ParameterizedTest(name = "prefetch={0}")
  @ValueSource(booleans = {false, true})
  void aBatchTooLargeForTheDeviceIsSplitUntilItFits(boolean prefetch) throws Exception {
    ScoreMetrics metrics = ScoreMetrics.register(spark.sparkContext());
    List<Integer> attempted = new ArrayList<>();

    List<InternalRow> scored =
        score(
            rows(-1),
            predictor ->
                batch -> {
                  long size = batch.get(0).getShape().get(0);
                  attempted.add((int) size);
                  // Stands in for a GPU with room for 8 rows: larger batches fail as CUDA reports it.
                  if (size > FITS) {
                    throw new EngineException(
                        "CUDA out of memory. Tried to allocate 2.00 GiB (GPU 0; 79.10 GiB total capacity)");
                  }
                  return predictor.predict(batch);
                },
            prefetch,
            OnError.FAIL,
            metrics);

    assertThat(scored).hasSize(1000);
    for (int i = 0; i < 1000; i++) {
      assertThat(scored.get(i).getLong(0)).isEqualTo(GOLDEN.get(i).get("id").asLong());
      assertThat(scored.get(i).getFloat(2)).isCloseTo((float) GOLDEN.get(i).get("expected").asDouble(), within(1e-5f));
    }
    // 1000 rows = 31 batches of 32 and one of 8; each 32 splits into 16, 16, then 8 x 4.
    assertThat(metrics.outOfMemorySplits()).isEqualTo(31 * 3);
    assertThat(metrics.batchRowsThatFitted()).isEqualTo(FITS);
    assertThat(metrics.rows()).isEqualTo(1000);
    assertThat(attempted).allMatch(size -> size == 32 || size == 16 || size == 8);
  }

  @ParameterizedTest(name = "prefetch={0}")
  @ValueSource(booleans = {false, true})
  void badRowsAndRowsTheModelFailsOnAreIsolatedInOrder(boolean prefetch) throws Exception {
    ScoreMetrics metrics = ScoreMetrics.register(spark.sparkContext());

    List<InternalRow> scored =
        score(
            rows(50),
            predictor ->
                batch -> {
                  // The model fails on any batch holding a row whose first feature is above 2.
                  NDArray first = batch.get(0).get(":, 0");
                  if (first.gt(2f).any().getBoolean()) {
                    throw new EngineException("RuntimeException: value out of range");
                  }
                  return predictor.predict(batch);
                },
            prefetch,
            OnError.NULL,
            metrics);

    assertThat(scored).hasSize(1000);
    long failing = 0;
    for (int i = 0; i < 1000; i++) {
      InternalRow row = scored.get(i);
      JsonNode golden = GOLDEN.get(i);
      assertThat(row.getLong(0)).isEqualTo(golden.get("id").asLong());
      if (i % 50 == 0) {
        assertThat(row.getString(3)).startsWith("null_features");
      } else if (golden.get("features").get(0).asDouble() > 2) {
        failing++;
        assertThat(row.isNullAt(2)).isTrue();
        assertThat(row.getString(3)).startsWith("model_error");
      } else {
        assertThat(row.isNullAt(3)).isTrue();
        assertThat(row.getFloat(2)).isCloseTo((float) golden.get("expected").asDouble(), within(1e-5f));
      }
    }
    assertThat(failing).isGreaterThan(0);
    assertThat(metrics.badRowsByReason()).containsEntry("null_features", 20L).containsEntry("model_error", failing);
    assertThat(metrics.rows()).isEqualTo(1000 - 20 - failing);
  }

  @ParameterizedTest(name = "prefetch={0}")
  @ValueSource(booleans = {false, true})
  void rowsLargerThanTheBatchBytesAreBatchesOfOneInOrder(boolean prefetch) throws Exception {
    ScoreMetrics metrics = ScoreMetrics.register(spark.sparkContext());

    // A bound of 1 byte: every row is larger, so each makes a batch of its own.
    List<InternalRow> scored =
        score(rows(-1).iterator(), predictor -> predictor::predict, GpuGate.of(Device.cpu(), 1), prefetch, OnError.FAIL, metrics, 1);

    assertThat(scored).hasSize(1000);
    for (int i = 0; i < 1000; i++) {
      assertThat(scored.get(i).getLong(0)).isEqualTo(GOLDEN.get(i).get("id").asLong());
      assertThat(scored.get(i).getFloat(2)).isCloseTo((float) GOLDEN.get(i).get("expected").asDouble(), within(1e-5f));
    }
    assertThat(metrics.batches()).isEqualTo(1000);
  }

  @ParameterizedTest(name = "another task waiting={0}")
  @ValueSource(booleans = {false, true})
  void aTaskGivesItsGpuSlotBackBeforeReadingOnWhenAnotherTaskWaitsForIt(boolean waiting) throws Exception {
    ScoreMetrics metrics = ScoreMetrics.register(spark.sparkContext());
    // A GPU of its own (the gate is per device id), one forward in flight.
    GpuGate gate = GpuGate.of(Device.gpu(waiting ? 41 : 42), 1);
    CountDownLatch otherRan = new CountDownLatch(1);
    Thread other =
        new Thread(
            () -> {
              gate.enter();
              otherRan.countDown();
              gate.exit();
            });
    AtomicBoolean otherRanBeforeBatchTwo = new AtomicBoolean();
    List<InternalRow> rows = rows(-1);
    Iterator<InternalRow> watched =
        new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            return next < rows.size();
          }

          @Override
          public InternalRow next() {
            if (next == 32) {
              // The first row of batch two: batch one has been launched and holds the slot.
              try {
                if (!waiting) {
                  other.start();
                }
                otherRanBeforeBatchTwo.set(otherRan.await(waiting ? 10_000 : 300, TimeUnit.MILLISECONDS));
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            }
            return rows.get(next++);
          }
        };

    List<InternalRow> scored =
        score(
            watched,
            predictor ->
                batch -> {
                  if (waiting && other.getState() == Thread.State.NEW) {
                    other.start(); // another task on this GPU asks for the slot batch one holds
                    while (!gate.contended()) {
                      Thread.onSpinWait();
                    }
                  }
                  return predictor.predict(batch);
                },
            gate,
            true,
            OnError.FAIL,
            metrics,
            64 << 20);
    other.join();

    // Waited for, the slot is given back before batch two is read; else batch two is read while
    // the device still runs batch one (the prefetch), so the other task gets it only after.
    assertThat(otherRanBeforeBatchTwo.get()).isEqualTo(waiting);
    assertThat(scored).hasSize(1000);
    for (int i = 0; i < 1000; i++) {
      assertThat(scored.get(i).getLong(0)).isEqualTo(GOLDEN.get(i).get("id").asLong());
      assertThat(scored.get(i).getFloat(2)).isCloseTo((float) GOLDEN.get(i).get("expected").asDouble(), within(1e-5f));
    }
    assertThat(metrics.rows()).isEqualTo(1000);
  }

  /** The fixture's rows as Spark's internal rows; every {@code nullEvery}-th has null features. */
  private static List<InternalRow> rows(int nullEvery) {
    List<InternalRow> rows = new ArrayList<>();
    for (int i = 0; i < GOLDEN.size(); i++) {
      JsonNode row = GOLDEN.get(i);
      Object[] features = new Object[10];
      for (int j = 0; j < 10; j++) {
        features[j] = (float) row.get("features").get(j).asDouble();
      }
      boolean bad = nullEvery > 0 && i % nullEvery == 0;
      rows.add(new GenericInternalRow(new Object[] {row.get("id").asLong(), bad ? null : new GenericArrayData(features)}));
    }
    return rows;
  }

  private static List<InternalRow> score(
      List<InternalRow> rows,
      java.util.function.Function<Predictor<NDList, NDList>, ModelForward> device,
      boolean prefetch,
      OnError onError,
      ScoreMetrics metrics)
      throws Exception {
    return score(rows.iterator(), device, GpuGate.of(Device.cpu(), 1), prefetch, onError, metrics, 64 << 20);
  }

  private static List<InternalRow> score(
      Iterator<InternalRow> rows,
      java.util.function.Function<Predictor<NDList, NDList>, ModelForward> device,
      GpuGate gate,
      boolean prefetch,
      OnError onError,
      ScoreMetrics metrics,
      int batchRowsMaxBytes)
      throws Exception {
    ScoreSettings settings =
        ScoreSettings.builder()
            .modelPath(fixture("tutorial_mlp.pt").toString())
            .featuresCol("features")
            .option("input.shape", "10")
            .onError(onError)
            .build();
    InputLayout inputs = InputLayout.resolve(settings, StructType.fromDDL("id BIGINT, features ARRAY<FLOAT>"), column -> 10);
    List<InternalRow> scored = new ArrayList<>();
    try (Model model = Model.newInstance("iterator-test", Device.cpu(), "PyTorch")) {
      model.load(fixture("tutorial_mlp.pt"));
      Predictor<NDList, NDList> predictor = model.newPredictor(new NoopTranslator());
      OutputLayout outputs;
      try (Predictor<NDList, NDList> sampler = model.newPredictor(new NoopTranslator())) {
        outputs = OutputLayout.of(sampler.predict(new NDList(model.getNDManager().zeros(new Shape(2, 10)))), 2, settings, null);
      }
      int arraysBefore = model.getNDManager().getManagedArrays().size();
      ScoredRowIterator iterator =
          new ScoredRowIterator(
              rows,
              new ModelRunner(device.apply(predictor), model.getNDManager(), DataType.FLOAT32, gate, prefetch, predictor),
              rowsPerBatch -> new BatchEncoder(inputs, rowsPerBatch, false),
              outputs,
              BatchSizer.fixed(32),
              onError,
              new RowNaming(0, -1, null, null),
              RowPacking.whole(),
              metrics,
              new BatchBytes(StructType.fromDDL("id BIGINT, features ARRAY<FLOAT>"), batchRowsMaxBytes));
      while (iterator.hasNext()) {
        scored.add(iterator.next().copy());
      }
      // No batch's tensors outlive it, split and failed forwards included.
      assertThat(model.getNDManager().getManagedArrays()).hasSize(arraysBefore);
    }
    return scored;
  }
}
