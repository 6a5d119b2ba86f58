package io.torchscore.spark;

import java.io.Serializable;
import java.util.Locale;

/**
 * How long batches took, per stage of a batch, as histograms: one count per batch that ran a
 * forward (a batch split after a failure counts once, its re-runs in its decode time).
 *
 * @param encode reading the rows and making the input tensors
 * @param forward the model's forward call
 * @param decode reading the outputs into columns
 * @param total the three together
 */
public record BatchTimes(LatencyHistogram encode, LatencyHistogram forward, LatencyHistogram decode, LatencyHistogram total)
    implements Serializable {

  /** No batches. */
  public static final BatchTimes NONE =
      new BatchTimes(LatencyHistogram.EMPTY, LatencyHistogram.EMPTY, LatencyHistogram.EMPTY, LatencyHistogram.EMPTY);

  /** A part of a batch's time. */
  public enum Stage {
    /**
     * Reading the batch's rows and making its input tensors; Spark reads and parses the input
     * as rows are asked for, so this includes the scan upstream of the scoring.
     */
    ENCODE,
    /** The model's forward call. */
    FORWARD,
    /** Reading the outputs into columns (on a GPU, this waits for the device to finish). */
    DECODE,
    /** The three together. */
    TOTAL;

    /**
     * Returns the stage's name in reports.
     *
     * @return e.g. {@code encode}
     */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * Returns one stage's histogram.
   *
   * @param stage encode, forward, decode or total
   * @return the histogram
   */
  public LatencyHistogram of(Stage stage) {
    return switch (stage) {
      case ENCODE -> encode;
      case FORWARD -> forward;
      case DECODE -> decode;
      case TOTAL -> total;
    };
  }

  /**
   * Returns these times with one more batch's.
   *
   * @param encodeNanos its encode time
   * @param forwardNanos its forward time
   * @param decodeNanos its decode time
   * @return the new times
   */
  public BatchTimes plus(long encodeNanos, long forwardNanos, long decodeNanos) {
    return new BatchTimes(
        encode.plus(encodeNanos),
        forward.plus(forwardNanos),
        decode.plus(decodeNanos),
        total.plus(encodeNanos + forwardNanos + decodeNanos));
  }

  /**
   * Returns these batches' times and another's, together.
   *
   * @param other other batches' times
   * @return the new times
   */
  public BatchTimes plus(BatchTimes other) {
    return new BatchTimes(
        encode.plus(other.encode), forward.plus(other.forward), decode.plus(other.decode), total.plus(other.total));
  }
}
