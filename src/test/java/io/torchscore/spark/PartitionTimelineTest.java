package io.torchscore.spark;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The marks a partition takes as its batches end, without Spark. */
class PartitionTimelineTest {

  /** Batch b ends at 1000 + 10 b ms with 50 b rows scored. */
  private static PartitionTimeline markBatches(PartitionTimeline timeline, int from, int to) {
    PartitionTimeline marked = timeline;
    for (int batch = from; batch <= to; batch++) {
      marked = marked.marked(1000 + 10 * batch, 50 * batch);
    }
    return marked;
  }

  @Test
  void aPartitionKeepsEveryBatchsMarkUntilItHasSixtyFour() {
    PartitionTimeline timeline = markBatches(PartitionTimeline.NONE.started(1000), 1, 64).finished(1700);

    assertThat(timeline.markMillis()).hasSize(64).startsWith(1010, 1020).endsWith(1640);
    assertThat(timeline.markRows()).startsWith(50, 100).endsWith(3200);
    assertThat(timeline.startedMillis()).isEqualTo(1000);
    assertThat(timeline.finishedMillis()).isEqualTo(1700);
    assertThat(timeline.measured()).isTrue();
  }

  @Test
  void aLongPartitionKeepsEvenlySpreadMarksOfItsBatches() {
    PartitionTimeline after66 = markBatches(PartitionTimeline.NONE, 1, 66);
    // The 65th batch found 64 marks: batches 2, 4, ..., 64 stayed, then every 2nd batch is marked.
    assertThat(after66.markMillis()).hasSize(33).startsWith(1020, 1040).endsWith(1640, 1660);
    assertThat(after66.markRows()).startsWith(100, 200).endsWith(3200, 3300);

    PartitionTimeline after132 = markBatches(after66, 67, 132);
    // Batch 130 found 64 marks (2, 4, ..., 128): 4, 8, ..., 128 stayed, then every 4th batch.
    assertThat(after132.markMillis()).hasSize(33).startsWith(1040, 1080).endsWith(2280, 2320);
    assertThat(after132.markRows()).startsWith(200, 400).endsWith(6400, 6600);
  }

  @Test
  void markingLeavesTheTimelineItStartedFromAsItWas() {
    PartitionTimeline before = markBatches(PartitionTimeline.NONE, 1, 64);

    markBatches(before, 65, 66);

    assertThat(before.markMillis()).hasSize(64);
  }

  @Test
  void aPartitionNotSeenToEndIsNotMeasured() {
    assertThat(PartitionTimeline.NONE.started(1000).measured()).isFalse();
    assertThat(PartitionTimeline.NONE.measured()).isFalse();
  }
}
