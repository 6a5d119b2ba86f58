package io.torchscore.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Forwards in flight per GPU are bounded, the wait is measured, and the CPU is never gated. */
class GpuGateTest {

  @Test
  void aSecondTaskOnTheSameGpuWaitsForTheSlotAndTheWaitIsMeasured() throws Exception {
    GpuGate first = GpuGate.of(Device.gpu(6), 1);
    GpuGate second = GpuGate.of(Device.gpu(6), 1);
    first.enter();
    AtomicLong waited = new AtomicLong(-1);
    Thread task =
        new Thread(
            () -> {
              waited.set(second.enter());
              second.exit();
            });
    task.start();
    while (task.getState() != Thread.State.WAITING) {
      Thread.sleep(5);
    }
    Thread.sleep(50);
    assertThat(waited.get()).as("still waiting while the slot is held").isEqualTo(-1);
    first.exit();
    task.join();

    assertThat(waited.get()).isGreaterThanOrEqualTo(50_000_000L);
  }

  @Test
  void otherGpusAndTheCpuAreNotHeldUp() throws Exception {
    GpuGate.of(Device.gpu(7), 1).enter();
    Thread other =
        new Thread(
            () -> {
              GpuGate.of(Device.gpu(8), 1).enter();
              GpuGate cpu = GpuGate.of(Device.cpu(), 1);
              cpu.enter();
              cpu.enter();
            });
    other.start();
    other.join(10_000);

    assertThat(other.isAlive()).isFalse();
  }
}
