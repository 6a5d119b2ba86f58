package io.torchscore.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.EngineException;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.translate.NoopTranslator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.torchscore.SparkTestBase;
import io.torchscore.config.ScoreSettings;
import io.torchscore.config.ScoreSettings.OnError;
import io.torchscore.model.GpuGate;
import io.torchscore.tensor.BatchEncoder;
import io.torchscore.tensor.InputLayout;
import io.torchscore.tensor.OutputLayout;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * A batch the device has no memory for is split and retried, whatever the error policy: every row
 * still gets PyTorch's prediction, the splits are counted and the batch size that fitted is known.
 */
class OutOfMemorySplitTest extends SparkTestBase {

  private static final int FITS = 8;

  @Test
  void aBatchTooLargeForTheDeviceIsSplitUntilItFits() throws Exception {
    ScoreSettings settings =
        ScoreSettings.builder()
            .modelPath(fixture("tutorial_mlp.pt").toString())
            .featuresCol("features")
            .option("input.shape", "10")
            .build();
    StructType schema = StructType.fromDDL("id BIGINT, features ARRAY<FLOAT>");
    InputLayout inputs = InputLayout.resolve(settings, schema, column -> 10);
    List<JsonNode> golden = new ArrayList<>();
    List<InternalRow> rows = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    for (String line : Files.readAllLines(fixture("tutorial_mlp.jsonl"))) {
      JsonNode row = json.readTree(line);
      golden.add(row);
      Object[] features = new Object[10];
      for (int i = 0; i < 10; i++) {
        features[i] = (float) row.get("features").get(i).asDouble();
      }
      rows.add(new GenericInternalRow(new Object[] {row.get("id").asLong(), new GenericArrayData(features)}));
    }
    ScoreMetrics metrics = ScoreMetrics.register(spark.sparkContext());
    List<Integer> attempted = new ArrayList<>();

    try (Model model = Model.newInstance("oom-test", Device.cpu(), "PyTorch")) {
      model.load(fixture("tutorial_mlp.pt"));
      OutputLayout outputs = OutputLayout.of(sample(model), 2, settings, null, false);
      Predictor<NDList, NDList> predictor = model.newPredictor(new NoopTranslator());
      // Stands in for a GPU with room for 8 rows: larger batches fail as CUDA reports it.
      ScoredRowIterator.Forward device =
          batch -> {
            long size = batch.get(0).getShape().get(0);
            attempted.add((int) size);
            if (size > FITS) {
              throw new EngineException(
                  "CUDA out of memory. Tried to allocate 2.00 GiB (GPU 0; 79.10 GiB total capacity)");
            }
            return predictor.predict(batch);
          };
      ScoredRowIterator scored =
          new ScoredRowIterator(
              rows.iterator(),
              new ScoredRowIterator.Runner(device, model.getNDManager(), DataType.FLOAT32, GpuGate.of(Device.cpu(), 1), predictor),
              new BatchEncoder(inputs, 32, false),
              outputs,
              32,
              OnError.FAIL,
              new ScoredRowIterator.RowNaming(0, -1, null, null),
              metrics);
      int i = 0;
      while (scored.hasNext()) {
        InternalRow row = scored.next();
        assertThat(row.getLong(0)).isEqualTo(golden.get(i).get("id").asLong());
        assertThat(row.getFloat(2)).isCloseTo((float) golden.get(i).get("expected").asDouble(), within(1e-5f));
        i++;
      }
      assertThat(i).isEqualTo(1000);
    }

    // 1000 rows = 31 batches of 32 and one of 8; each 32 splits into 16, 16, then 8 x 4.
    assertThat(metrics.outOfMemorySplits()).isEqualTo(31 * 3);
    assertThat(metrics.batchRowsThatFitted()).isEqualTo(FITS);
    assertThat(metrics.rows()).isEqualTo(1000);
    assertThat(attempted).allMatch(size -> size == 32 || size == 16 || size == 8);
  }

  private static NDList sample(Model model) throws Exception {
    try (Predictor<NDList, NDList> predictor = model.newPredictor(new NoopTranslator())) {
      NDList output = predictor.predict(new NDList(model.getNDManager().zeros(new ai.djl.ndarray.types.Shape(2, 10))));
      return output;
    }
  }
}
