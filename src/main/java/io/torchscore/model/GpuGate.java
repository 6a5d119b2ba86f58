package io.torchscore.model;

import ai.djl.Device;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Semaphore;

/**
 * Bounds the forwards in flight on each GPU of this JVM, so that tasks sharing a card (a
 * fractional {@code spark.task.resource.gpu.amount}) do not run it out of memory together. The
 * first job to use a GPU in this JVM sets its bound. The CPU is not gated.
 */
public final class GpuGate {

  private static final ConcurrentMap<Integer, Semaphore> SLOTS = new ConcurrentHashMap<>();

  private final Semaphore slots;

  private GpuGate(Semaphore slots) {
    this.slots = slots;
  }

  /**
   * Returns the gate of a device.
   *
   * @param device the device a task runs on
   * @param concurrency forwards allowed in flight on a GPU ({@code spark.torchscore.gpu.concurrency})
   * @return the gate; a CPU's lets everything through
   */
  public static GpuGate of(Device device, int concurrency) {
    if (!device.isGpu()) {
      return new GpuGate(null);
    }
    return new GpuGate(SLOTS.computeIfAbsent(device.getDeviceId(), id -> new Semaphore(concurrency, true)));
  }

  /**
   * Waits for a slot.
   *
   * @return the nanoseconds waited
   */
  public long enter() {
    if (slots == null) {
      return 0;
    }
    long start = System.nanoTime();
    slots.acquireUninterruptibly();
    return System.nanoTime() - start;
  }

  /**
   * Returns whether another task waits for a slot of this GPU: a task that holds one then gives it
   * back before its host work rather than after.
   *
   * @return true when a task is waiting; never on the CPU
   */
  public boolean contended() {
    return slots != null && slots.hasQueuedThreads();
  }

  /** Gives the slot back; call once per {@link #enter()}, in a finally block. */
  public void exit() {
    if (slots != null) {
      slots.release();
    }
  }
}
