package io.torchscore.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoopTranslator;
import io.torchscore.SparkTestBase;
import io.torchscore.config.ScoreSettings.OnError;
import io.torchscore.model.ModelCache;
import io.torchscore.model.ModelFetcher;
import io.torchscore.model.ModelRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Every batch's tensors are closed: after hundreds of batches, including failed forwards that
 * were split, the shared model's manager holds exactly the arrays it held before; and a forward
 * that throws in libtorch leaves none of its native inputs behind.
 */
class NativeMemoryTest extends SparkTestBase {

  @Test
  void noTensorOutlivesItsBatch() {
    String path = fixture("id_embedding.pt").toString();
    ModelRef ref = ModelFetcher.locate(path, new Configuration(), 1, System.getProperty("java.io.tmpdir") + "/torchscore-cache", null);
    ModelCache.Lease lease = ModelCache.lease(ref, Device.cpu(), "auto", 2, () -> { });
    Model model = lease.model().model();
    List<Row> rows = new ArrayList<>();
    for (long i = 0; i < 3000; i++) {
      // Every 97th row holds an id the embedding rejects: its batch fails and is split.
      long id = i % 97 == 0 ? 1000 : i % 50;
      rows.add(RowFactory.create(i, Arrays.asList(id, 1L, 2L, 3L)));
    }
    Dataset<Row> input =
        spark.createDataFrame(rows, StructType.fromDDL("id BIGINT, ids ARRAY<BIGINT>")).repartition(3);
    int arraysBefore = model.getNDManager().getManagedArrays().size();

    ScoreResult result =
        TorchScorer.builder().modelPath(path).featuresCol("ids").batchSize(10).onError(OnError.NULL).build().score(input);
    long scored = result.scored().collectAsList().size();

    assertThat(scored).isEqualTo(3000);
    assertThat(result.metrics().badRowsByReason()).containsEntry("model_error", 31L);
    assertThat(result.metrics().batches()).isGreaterThan(300);
    assertThat(model.getNDManager().getManagedArrays()).hasSize(arraysBefore);
    lease.close();
  }

  @Test
  void aThousandFailingForwardsLeaveNoNativeMemoryBehind() throws Exception {
    String path = fixture("tutorial_mlp.pt").toString();
    ModelRef ref = ModelFetcher.locate(path, new Configuration(), 1, System.getProperty("java.io.tmpdir") + "/torchscore-cache", null);
    try (ModelCache.Lease lease = ModelCache.lease(ref, Device.cpu(), "auto", 2, () -> { });
        Predictor<NDList, NDList> predictor = lease.model().model().newPredictor(new NoopTranslator())) {
      ModelForward forward = ModelForward.of(lease.model(), predictor);
      NDManager root = lease.model().model().getNDManager();
      int arraysBefore = root.getManagedArrays().size();
      for (int i = 0; i < 20; i++) {
        failingForward(forward, root);
      }
      long before = residentBytes();

      for (int i = 0; i < 1000; i++) {
        failingForward(forward, root);
      }

      // Each input holds 1 MiB that libtorch allocated and filled: a forward that left its input
      // referenced would keep it resident, 1000 MiB in all. Freed, the allocator reuses the same
      // block, so what grows is the JVM's own noise, far below a quarter of that.
      assertThat(residentBytes() - before).isLessThan(250L << 20);
      assertThat(root.getManagedArrays()).hasSize(arraysBefore);
    }
  }

  /** Runs the MLP (10 features) on 262,144 features a row: its matmul throws in libtorch. */
  private static void failingForward(ModelForward forward, NDManager root) {
    try (NDManager batch = root.newSubManager()) {
      NDArray input = batch.ones(new Shape(1, 262_144));
      assertThatThrownBy(() -> forward.apply(new NDList(input)))
          .hasStackTraceContaining("cannot be multiplied");
    }
  }

  /** Returns the process's resident memory, from Linux's /proc/self/status (VmRSS, in kB). */
  private static long residentBytes() throws java.io.IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    throw new IllegalStateException("No VmRSS in /proc/self/status");
  }
}
