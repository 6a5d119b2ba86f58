package io.torchscore.spark;

import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One executor's choice of batch size for one (model, device, precision, input shape), kept with
 * the loaded model in the model cache: the first task to score times its own rows with growing
 * batches ({@link BatchSizeChooser}); tasks that start meanwhile score at the fastest size timed
 * so far, and when the timing task's partition ends before the choice, the next task to read a
 * batch goes on timing. Once chosen, every task of the executor uses the size, and none times
 * again. The rows of timed batches are scored as any others.
 */
final class BatchSizeProbe {

  private static final Logger LOG = LoggerFactory.getLogger(BatchSizeProbe.class);

  private final BatchSizeChooser chooser;
  private final String subject;
  private Object timer;
  private long probeNanos;

  /**
   * Creates the probe.
   *
   * @param chooser the chooser, at its start
   * @param subject what is timed, for the log line (model, device, inputs)
   */
  BatchSizeProbe(BatchSizeChooser chooser, String subject) {
    this.chooser = chooser;
    this.subject = subject;
  }

  /** Returns the chosen size, 0 while timing. */
  synchronized int chosen() {
    return chooser.chosen();
  }

  /** Returns the milliseconds timed batches took, warm-ups included. */
  synchronized long probeMillis() {
    return probeNanos / 1_000_000;
  }

  /**
   * Returns one partition's sizer.
   *
   * @param onChosen called with the chosen size when the partition ends, if a size was chosen by then
   * @return the sizer
   */
  BatchSizer sizer(IntConsumer onChosen) {
    return new Partition(onChosen);
  }

  private final class Partition implements BatchSizer {

    private final IntConsumer onChosen;
    private boolean timing;

    Partition(IntConsumer onChosen) {
      this.onChosen = onChosen;
    }

    @Override
    public int rows(boolean mayTime) {
      synchronized (BatchSizeProbe.this) {
        if (mayTime && !chooser.done() && timer == null) {
          timer = this;
        }
        timing = mayTime && !chooser.done() && timer == this;
        return timing ? chooser.size() : chooser.bestSoFar();
      }
    }

    @Override
    public boolean timing() {
      return timing;
    }

    @Override
    public void timed(int asked, int rows, long nanos) {
      whileTiming(() -> {
        probeNanos += nanos;
        chooser.timed(asked, rows, nanos);
      });
    }

    @Override
    public void outOfMemory(int asked, int fitted) {
      whileTiming(() -> chooser.outOfMemory(asked, fitted));
    }

    @Override
    public void bytesBound(int asked, int rows) {
      whileTiming(() -> chooser.bytesBound(asked, rows));
    }

    @Override
    public void inputBound(int asked, int rows) {
      whileTiming(() -> chooser.inputBound(asked, rows));
    }

    /** Gives the chooser what this partition learned, when it is the one timing and no size is chosen yet. */
    private void whileTiming(Runnable step) {
      synchronized (BatchSizeProbe.this) {
        if (timer == this && !chooser.done()) {
          step.run();
          chosenNow();
        }
      }
    }

    @Override
    public void finished() {
      int chosen;
      synchronized (BatchSizeProbe.this) {
        if (timer == this) {
          timer = null;
        }
        timing = false;
        chosen = chooser.chosen();
      }
      if (chosen > 0) {
        onChosen.accept(chosen);
      }
    }

    private void chosenNow() {
      if (chooser.done()) {
        timer = null;
        timing = false;
        LOG.info(
            "Batch size auto: {} rows for {}, after {} ms of timed batches ({})",
            chooser.chosen(),
            subject,
            probeNanos / 1_000_000,
            chooser.history());
      }
    }
  }
}
