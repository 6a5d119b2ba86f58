package io.torchscore.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** Batch buffers given back at a partition's end are lent to the next partitions: the smallest that fits, pinned or not as given. */
class DirectBuffersTest {

  // Sizes no other test's encoder asks for, so that the pool's other buffers don't fit.
  private static final int SMALL = 1_000_003;
  private static final int LARGE = 3_000_017;

  @Test
  void theSmallestBufferThatFitsIsLentAgainAsItWasGiven() {
    DirectBuffers.Lent small = DirectBuffers.take(SMALL);
    DirectBuffers.Lent large = DirectBuffers.take(LARGE);
    assertThat(small.bytes().isDirect()).isTrue();
    assertThat(small.bytes().order()).isEqualTo(ByteOrder.nativeOrder());
    assertThat(small.bytes().capacity()).isEqualTo(SMALL);
    assertThat(small.pinned()).isFalse();
    // As a GPU partition gives them back: pinned (a flag here; nothing is registered with CUDA).
    DirectBuffers.give(new DirectBuffers.Lent(large.bytes(), true));
    DirectBuffers.give(small);

    DirectBuffers.Lent again = DirectBuffers.take(SMALL - 3);
    DirectBuffers.Lent bigger = DirectBuffers.take(SMALL + 1);

    assertThat(again.bytes()).isSameAs(small.bytes());
    assertThat(again.pinned()).isFalse();
    assertThat(bigger.bytes()).isSameAs(large.bytes());
    assertThat(bigger.pinned()).isTrue();
    ByteBuffer fresh = DirectBuffers.take(LARGE).bytes();
    assertThat(fresh).isNotSameAs(large.bytes());
  }

  @Test
  void aBufferIsLentToOnePartitionAtATime() {
    DirectBuffers.Lent first = DirectBuffers.take(LARGE + 1);
    DirectBuffers.give(first);

    DirectBuffers.Lent second = DirectBuffers.take(LARGE + 1);
    DirectBuffers.Lent third = DirectBuffers.take(LARGE + 1);

    assertThat(second.bytes()).isSameAs(first.bytes());
    assertThat(third.bytes()).isNotSameAs(first.bytes());
  }
}
