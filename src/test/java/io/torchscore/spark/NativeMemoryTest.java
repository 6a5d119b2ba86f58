package io.torchscore.spark;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.Model;
import io.torchscore.SparkTestBase;
import io.torchscore.config.ScoreSettings.OnError;
import io.torchscore.model.ModelCache;
import io.torchscore.model.ModelFetcher;
import io.torchscore.model.ModelRef;
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
 * were split, the shared model's manager holds exactly the arrays it held before.
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
}
