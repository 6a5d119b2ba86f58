package io.torchscore.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.torchscore.tensor.ErrorReason;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One partition's statistics: each count makes a new record, and two records add up, without Spark. */
class PartitionStatsTest {

  @Test
  void badRowsCountAsNulledOrSkippedAndPerReason() {
    PartitionStats stats =
        PartitionStats.EMPTY
            .withBadRow(ErrorReason.NULL_FEATURES, true)
            .withBadRow(ErrorReason.NULL_FEATURES, true)
            .withBadRow(ErrorReason.WRONG_SHAPE, false)
            .withScored(10, 1_000);

    assertThat(stats.nulled()).isEqualTo(2);
    assertThat(stats.skipped()).isEqualTo(1);
    assertThat(stats.badRowsByReason())
        .containsExactlyInAnyOrderEntriesOf(Map.of(ErrorReason.NULL_FEATURES, 2L, ErrorReason.WRONG_SHAPE, 1L));
    assertThat(stats.rowsSeen()).isEqualTo(13);
    assertThat(stats.badRows()).isEqualTo(3);
    assertThat(PartitionStats.EMPTY.rowsSeen()).as("the record counted from is unchanged").isZero();
  }

  @Test
  void scoredRowsMarkTheTimelineWithTheRowsSoFar() {
    PartitionStats stats = PartitionStats.EMPTY.withScored(64, 1_010).withScored(36, 1_020);

    assertThat(stats.rows()).isEqualTo(100);
    assertThat(stats.timeline().markMillis()).containsExactly(1_010, 1_020);
    assertThat(stats.timeline().markRows()).containsExactly(64, 100);
  }

  @Test
  void batchesAndTheirTimesCountPerForwardAndPerStage() {
    // 2 ms encode, 30 ms forward, 1 ms decode: 33 ms in all.
    PartitionStats stats = PartitionStats.EMPTY.withForward().withBatchTimed(2_000_000, 30_000_000, 1_000_000);

    assertThat(stats.batches()).isEqualTo(1);
    assertThat(stats.batchTimes().encode().counts()[LatencyHistogram.bucketOf(2_000_000)]).isEqualTo(1);
    assertThat(stats.batchTimes().forward().counts()[LatencyHistogram.bucketOf(30_000_000)]).isEqualTo(1);
    assertThat(stats.batchTimes().total().counts()[LatencyHistogram.bucketOf(33_000_000)]).isEqualTo(1);
  }

  @Test
  void twoRecordsAddUpCountByCount() {
    PartitionStats a =
        PartitionStats.EMPTY
            .withScored(5, 1_000)
            .withBadRow(ErrorReason.NAN, true)
            .withModelLoad(new ModelLoad("driver", "host-a", 120.5))
            .withNonFinite(1, 2, 3);
    PartitionStats b =
        PartitionStats.EMPTY
            .withBadRow(ErrorReason.NAN, false)
            .withForward()
            .withModelLoad(new ModelLoad("1", "host-b", 80.25));

    PartitionStats sum = a.plus(b);

    assertThat(sum.rows()).isEqualTo(5);
    assertThat(sum.nulled()).isEqualTo(1);
    assertThat(sum.skipped()).isEqualTo(1);
    assertThat(sum.badRowsByReason()).containsExactlyEntriesOf(Map.of(ErrorReason.NAN, 2L));
    assertThat(sum.batches()).isEqualTo(1);
    assertThat(sum.modelLoads()).extracting(ModelLoad::executor).containsExactly("driver", "1");
    assertThat(sum.nanInputs()).isEqualTo(1);
    assertThat(sum.infiniteInputs()).isEqualTo(2);
    assertThat(sum.nanOutputs()).isEqualTo(3);
  }

  @Test
  void aRecordSurvivesJavaSerialization() throws Exception {
    PartitionStats stats =
        PartitionStats.EMPTY
            .withTimeline(PartitionTimeline.NONE.started(1_000))
            .withForward()
            .withBatchTimed(1_000_000, 2_000_000, 3_000_000)
            .withScored(64, 1_010)
            .withBadRow(ErrorReason.MODEL_ERROR, true)
            .withModelLoad(new ModelLoad("1", "host-b", 80.25));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(stats);
    }

    PartitionStats read;
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      read = (PartitionStats) in.readObject();
    }

    assertThat(read.rows()).isEqualTo(64);
    assertThat(read.badRowsByReason()).containsExactlyEntriesOf(Map.of(ErrorReason.MODEL_ERROR, 1L));
    assertThat(read.batchTimes().total().count()).isEqualTo(1);
    assertThat(read.timeline().startedMillis()).isEqualTo(1_000);
    assertThat(read.timeline().markRows()).containsExactly(64);
    assertThat(read.modelLoads()).containsExactly(new ModelLoad("1", "host-b", 80.25));
  }
}
