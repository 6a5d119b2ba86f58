package io.torchscore.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The arrays batches keep rows in are reused by the same thread's next partitions only (a row of
 * a partition that ended may still be read by its consumer on that thread's earlier call; never by
 * another thread's partition), two at a time.
 */
class RowArenasTest {

  @Test
  void anArenaGivenBackIsTakenAgainByItsThreadOnly() throws Exception {
    byte[] given = RowArenas.take(5_000_011);
    RowArenas.give(given);

    AtomicReference<byte[]> otherThreads = new AtomicReference<>();
    Thread other = new Thread(() -> otherThreads.set(RowArenas.take(5_000_011)));
    other.start();
    other.join();
    byte[] again = RowArenas.take(4_000_000);

    assertThat(otherThreads.get()).isNotSameAs(given).hasSize(5_000_011);
    assertThat(again).isSameAs(given);
    assertThat(RowArenas.take(4_000_000)).as("lent once").isNotSameAs(given);
  }

  @Test
  void aThreadKeepsItsTwoLatestArenas() {
    byte[] first = RowArenas.take(70_001);
    byte[] second = RowArenas.take(70_002);
    byte[] third = RowArenas.take(70_003);
    RowArenas.give(first);
    RowArenas.give(second);
    RowArenas.give(third);

    byte[] a = RowArenas.take(70_001);
    byte[] b = RowArenas.take(70_001);
    byte[] c = RowArenas.take(70_001);

    assertThat(a).isSameAs(third);
    assertThat(b).isSameAs(second);
    assertThat(c).isNotSameAs(first).hasSize(70_001);
  }
}
