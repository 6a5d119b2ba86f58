package io.torchscore.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.torchscore.SparkTestBase;
import io.torchscore.config.ScoreSettings.OnError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The Spark UI's stage page names torchscore's counters in words a person reads. */
class AccumulatorNamesTest extends SparkTestBase {

  /** Records each completed stage's named accumulators, as the stage page lists them. */
  private static final class StageAccumulables extends SparkListener {
    final Map<String, String> values = new ConcurrentHashMap<>();
    final CountDownLatch jobEnded = new CountDownLatch(1);

    @Override
    public void onJobEnd(SparkListenerJobEnd end) {
      jobEnded.countDown();
    }

    @Override
    public void onStageCompleted(SparkListenerStageCompleted completed) {
      scala.collection.Iterator<AccumulableInfo> infos = completed.stageInfo().accumulables().values().iterator();
      while (infos.hasNext()) {
        AccumulableInfo info = infos.next();
        if (info.name().isDefined() && info.value().isDefined()) {
          values.put(info.name().get(), String.valueOf(info.value().get()));
        }
      }
    }
  }

  @Test
  void theStagePageShowsRowsBadRowsAndBatchesByReadableNames() throws InterruptedException {
    StructType schema = StructType.fromDDL("id BIGINT, features ARRAY<FLOAT>, expected FLOAT");
    List<Row> rows = new ArrayList<>(fixtureTable("tutorial_mlp.jsonl", schema.toDDL()).limit(40).collectAsList());
    rows.set(5, RowFactory.create(5L, null, 0f));
    rows.set(30, RowFactory.create(30L, null, 0f));
    Dataset<Row> input = spark.createDataFrame(rows, schema).coalesce(1);
    StageAccumulables listener = new StageAccumulables();
    spark.sparkContext().addSparkListener(listener);
    try {
      TorchScorer.builder()
          .modelPath(fixture("tutorial_mlp.pt").toString())
          .featuresCol("features")
          .batchSize(8)
          .onError(OnError.NULL)
          .build()
          .score(input)
          .scored()
          .write()
          .format("noop")
          .mode("overwrite")
          .save();
      // Listeners hear of the job after it ended.
      assertThat(listener.jobEnded.await(1, TimeUnit.MINUTES)).isTrue();
    } finally {
      spark.sparkContext().removeSparkListener(listener);
    }

    // 40 rows, 2 of them with null features; one partition in batches of 8: 38 good rows fill 5 batches.
    assertThat(listener.values)
        .containsEntry("torchscore rows scored", "38")
        .containsEntry("torchscore bad rows", "2")
        .containsEntry("torchscore batches", "5");
    assertThat(listener.values.keySet().stream().filter(name -> name.startsWith("torchscore")))
        .allMatch(name -> name.matches("torchscore [a-zA-Z (),]+"));
  }
}
