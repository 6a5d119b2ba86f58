package io.torchscore.spark;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.translate.TranslateException;
import io.torchscore.TorchScoreException;
import io.torchscore.config.ConfKeys;
import io.torchscore.tensor.ErrorReason;
import io.torchscore.tensor.RowError;

/**
 * Runs batches through the model: launches a batch's forward, reads its predictions, and when it
 * failed, splits it: out of memory halves it until it fits, whatever the error policy (the rows
 * are not bad); a model failure fails the task, or halves it until the failing rows are isolated.
 * A timed batch's outcome goes to the {@link BatchSizer}.
 */
final class BatchForwards {

  private final ModelRunner runner;
  private final ScoreMetrics metrics;
  private final BadRowPolicy policy;
  private final BatchSizer sizer;
  private boolean splitOnOutOfMemory;
  private int smallestFitted = Integer.MAX_VALUE;

  BatchForwards(ModelRunner runner, ScoreMetrics metrics, BadRowPolicy policy, BatchSizer sizer) {
    this.runner = runner;
    this.metrics = metrics;
    this.policy = policy;
    this.sizer = sizer;
  }

  /** Starts the batch's forward on the device; its outputs are read by {@link #finish}. */
  void launch(RowBatch batch) {
    int good = batch.encoder.rows();
    if (good == 0) {
      return;
    }
    batch.manager = runner.manager().newSubManager();
    metrics.gpuWait(runner.gate().enter());
    batch.inGate = true;
    metrics.forward();
    long encodeStart = System.nanoTime();
    long forwardStart = encodeStart;
    try {
      NDList inputs = batch.encoder.toInputs(batch.manager, 0, good, runner.floatType());
      forwardStart = System.nanoTime();
      batch.encodeNanos += forwardStart - encodeStart;
      batch.output = runner.forward().apply(inputs);
    } catch (TranslateException | RuntimeException e) {
      batch.failure = e;
    }
    long launched = System.nanoTime();
    batch.forwardNanos = launched - forwardStart;
    batch.timedNanos = launched - encodeStart;
  }

  /** Reads the launched batch's predictions, splitting it when it failed, and closes its tensors. */
  void finish(RowBatch batch) {
    int good = batch.encoder.rows();
    long decodeStart = System.nanoTime();
    try {
      if (good > 0) {
        Exception failure = batch.failure;
        try {
          if (failure == null) {
            batch.output.attach(batch.manager);
            metrics.nanOutputs(nanValues(batch.output));
            store(batch, 0, batch.output, good);
          }
        } catch (RuntimeException e) {
          failure = e; // a device error can surface only when the outputs are read
        } finally {
          batch.exitGate(runner.gate());
        }
        if (failure != null) {
          failed(batch, 0, good, failure);
        }
      }
    } finally {
      batch.release();
    }
    if (good > 0) {
      long decodeNanos = System.nanoTime() - decodeStart;
      metrics.batchTimed(batch.encodeNanos, batch.forwardNanos, decodeNanos);
      if (batch.timed) {
        timed(batch, good, timedNanos(batch, decodeNanos));
      }
    }
    batch.slotErrors(policy::badRow);
  }

  /**
   * Returns the time the sizer judges a batch by: what the task waits on. On a CPU the task reads,
   * encodes, runs and decodes one batch after the other, so all of it (a batch's fixed costs
   * outside the forward count too); with prefetch (a GPU) the reading overlaps the device's work,
   * so the device's part: the copies, the forward and the decode.
   */
  private long timedNanos(RowBatch batch, long decodeNanos) {
    return runner.prefetch() ? batch.timedNanos + decodeNanos : batch.encodeNanos + batch.forwardNanos + decodeNanos;
  }

  /** Tells the sizer how a timed batch went: its time, or the bound it met. */
  private void timed(RowBatch batch, int good, long nanos) {
    if (batch.outOfMemory) {
      sizer.outOfMemory(batch.asked, batch.fitted);
    } else if (batch.bytesCut) {
      sizer.bytesBound(batch.asked, batch.size);
    } else if (batch.inputCut) {
      sizer.inputBound(batch.asked, batch.size);
    } else {
      sizer.timed(batch.asked, good, nanos);
    }
  }

  /** Runs slots {@code [from, to)} of a batch whose full forward failed, synchronously. */
  private void predict(RowBatch batch, int from, int to) {
    Exception failure = null;
    metrics.gpuWait(runner.gate().enter());
    try {
      metrics.forward();
      NDList output = null;
      try {
        output = runner.forward().apply(batch.encoder.toInputs(batch.manager, from, to, runner.floatType()));
      } catch (TranslateException | RuntimeException e) {
        failure = e;
      }
      if (output != null) {
        output.attach(batch.manager);
        metrics.nanOutputs(nanValues(output));
        store(batch, from, output, to - from);
      }
    } finally {
      runner.gate().exit();
    }
    if (failure != null) {
      failed(batch, from, to, failure);
    }
  }

  /** Handles a failed forward of slots {@code [from, to)}. */
  private void failed(RowBatch batch, int from, int to, Exception failure) {
    if (TorchErrors.isOutOfMemory(failure) && to - from > 1) {
      metrics.outOfMemorySplit();
      splitOnOutOfMemory = true;
      batch.outOfMemory = true;
    } else if (policy.fails()) {
      throw new TorchScoreException(
          failure,
          "Cannot score rows %s to %s of partition %s: the model failed: %s; fix the input or"
              + " set %s=skip or null to isolate the failing rows",
          batch.start,
          batch.start + batch.size - 1,
          policy.partition(),
          TorchErrors.summary(failure),
          ConfKeys.ON_ERROR);
    } else if (to - from == 1) {
      batch.slotFailed(
          from, new RowError(ErrorReason.MODEL_ERROR, null, "the model failed on this row: " + TorchErrors.summary(failure)));
      return;
    }
    int middle = (from + to) >>> 1;
    predict(batch, from, middle);
    predict(batch, middle, to);
  }

  private void store(RowBatch batch, int from, NDList output, int rows) {
    batch.store(from, output, rows);
    metrics.scored(rows);
    if (batch.outOfMemory) {
      batch.fitted = Math.max(batch.fitted, rows);
    }
    if (splitOnOutOfMemory && rows < smallestFitted) {
      smallestFitted = rows;
      metrics.fittedAfterOutOfMemory(smallestFitted);
    }
  }

  /** Counts the NaN values of a forward's floating-point outputs, on their device. */
  private static long nanValues(NDList output) {
    long nan = 0;
    for (NDArray array : output) {
      if (array.getDataType().isFloating()) {
        nan += array.isNaN().countNonzero().getLong();
      }
    }
    return nan;
  }
}
