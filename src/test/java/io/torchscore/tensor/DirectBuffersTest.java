package io.torchscore.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * Batch buffers given back at a partition's end are lent to the next partitions: the smallest
 * that fits, pinned or not as given, to one partition at a time. (Other tests' encoders leave
 * buffers in the pool too; these sizes are odd so that none of theirs fits as well.)
 */
class DirectBuffersTest {

  private static final int SMALL = 1_000_003;
  private static final int LARGE = 3_000_017;

  @Test
  void theSmallestBufferThatFitsIsLentAgainAsItWasGiven() {
    ByteBuffer small = ByteBuffer.allocateDirect(SMALL).order(ByteOrder.nativeOrder());
    ByteBuffer large = ByteBuffer.allocateDirect(LARGE).order(ByteOrder.nativeOrder());
    // As a GPU partition gives one back: pinned (a flag here; nothing is registered with CUDA).
    DirectBuffers.give(new DirectBuffers.Lent(large, true));
    DirectBuffers.give(new DirectBuffers.Lent(small, false));

    DirectBuffers.Lent fits = DirectBuffers.take(SMALL - 2);
    DirectBuffers.Lent larger = DirectBuffers.take(LARGE);
    DirectBuffers.Lent fresh = DirectBuffers.take(LARGE);

    assertThat(fits.bytes()).isSameAs(small);
    assertThat(fits.pinned()).isFalse();
    assertThat(larger.bytes()).isSameAs(large);
    assertThat(larger.pinned()).isTrue();
    assertThat(fresh.bytes()).isNotSameAs(large);
    assertThat(fresh.bytes().isDirect()).isTrue();
    assertThat(fresh.bytes().order()).isEqualTo(ByteOrder.nativeOrder());
    assertThat(fresh.bytes().capacity()).isGreaterThanOrEqualTo(LARGE);
    assertThat(fresh.pinned()).isFalse();
  }

  @Test
  void aBufferIsLentToOnePartitionAtATime() {
    ByteBuffer given = ByteBuffer.allocateDirect(LARGE + 2).order(ByteOrder.nativeOrder());
    DirectBuffers.give(new DirectBuffers.Lent(given, false));

    DirectBuffers.Lent first = DirectBuffers.take(LARGE + 2);
    DirectBuffers.Lent second = DirectBuffers.take(LARGE + 2);

    assertThat(first.bytes()).isSameAs(given);
    assertThat(second.bytes()).isNotSameAs(given);
  }
}
