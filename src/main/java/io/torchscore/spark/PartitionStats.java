package io.torchscore.spark;

import io.torchscore.tensor.ErrorReason;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What one attempt at scoring a partition counted and timed; the driver's own work (its model
 * check) is kept in one more such record. Immutable: each count makes a new record.
 *
 * @param rows rows scored, with a prediction
 * @param nulled bad rows kept with null predictions ({@code on.error=null})
 * @param skipped bad rows left out of the output ({@code on.error=skip})
 * @param badRowsByReason bad rows per reason, only the reasons met
 * @param batches forward calls: one per batch, more when a failing batch was split
 * @param nanInputs NaN values read from features
 * @param infiniteInputs infinite values read from features
 * @param nanOutputs NaN values in the model's outputs
 * @param batchTimes the batches' times per stage
 * @param timeline when the rows were scored
 * @param modelLoads the model loads this attempt made
 */
public record PartitionStats(
    long rows,
    long nulled,
    long skipped,
    Map<ErrorReason, Long> badRowsByReason,
    long batches,
    long nanInputs,
    long infiniteInputs,
    long nanOutputs,
    BatchTimes batchTimes,
    PartitionTimeline timeline,
    List<ModelLoad> modelLoads)
    implements Serializable {

  /** Nothing counted. */
  public static final PartitionStats EMPTY =
      new PartitionStats(0, 0, 0, Map.of(), 0, 0, 0, 0, BatchTimes.NONE, PartitionTimeline.NONE, List.of());

  /** Makes a record, copying the collections. */
  public PartitionStats {
    badRowsByReason = badRowsByReason.isEmpty() ? Map.of() : Collections.unmodifiableMap(new EnumMap<>(badRowsByReason));
    modelLoads = List.copyOf(modelLoads);
  }

  /**
   * Returns the rows this attempt read: scored, nulled and skipped.
   *
   * @return the count
   */
  public long rowsSeen() {
    return rows + nulled + skipped;
  }

  /**
   * Returns the bad rows: nulled and skipped.
   *
   * @return the count
   */
  public long badRows() {
    return nulled + skipped;
  }

  /**
   * Returns the counts of two records added up, as for the driver's own work; the timeline is
   * this record's unless only the other has one.
   *
   * @param other another record
   * @return the sum
   */
  public PartitionStats plus(PartitionStats other) {
    Map<ErrorReason, Long> reasons = new EnumMap<>(ErrorReason.class);
    reasons.putAll(badRowsByReason);
    other.badRowsByReason.forEach((reason, count) -> reasons.merge(reason, count, Long::sum));
    List<ModelLoad> loads = new ArrayList<>(modelLoads);
    loads.addAll(other.modelLoads);
    return new PartitionStats(
        rows + other.rows,
        nulled + other.nulled,
        skipped + other.skipped,
        reasons,
        batches + other.batches,
        nanInputs + other.nanInputs,
        infiniteInputs + other.infiniteInputs,
        nanOutputs + other.nanOutputs,
        batchTimes.plus(other.batchTimes),
        timeline == PartitionTimeline.NONE ? other.timeline : timeline,
        loads);
  }

  PartitionStats withScored(int count, long millis) {
    return new PartitionStats(
        rows + count, nulled, skipped, badRowsByReason, batches, nanInputs, infiniteInputs, nanOutputs, batchTimes,
        timeline.marked(millis, rows + count), modelLoads);
  }

  PartitionStats withBadRow(ErrorReason reason, boolean kept) {
    Map<ErrorReason, Long> reasons = new EnumMap<>(ErrorReason.class);
    reasons.putAll(badRowsByReason);
    reasons.merge(reason, 1L, Long::sum);
    return new PartitionStats(
        rows, kept ? nulled + 1 : nulled, kept ? skipped : skipped + 1, reasons, batches, nanInputs, infiniteInputs,
        nanOutputs, batchTimes, timeline, modelLoads);
  }

  PartitionStats withForward() {
    return new PartitionStats(
        rows, nulled, skipped, badRowsByReason, batches + 1, nanInputs, infiniteInputs, nanOutputs, batchTimes,
        timeline, modelLoads);
  }

  PartitionStats withBatchTimed(long encodeNanos, long forwardNanos, long decodeNanos) {
    return new PartitionStats(
        rows, nulled, skipped, badRowsByReason, batches, nanInputs, infiniteInputs, nanOutputs,
        batchTimes.plus(encodeNanos, forwardNanos, decodeNanos), timeline, modelLoads);
  }

  PartitionStats withNonFinite(long nanIn, long infiniteIn, long nanOut) {
    return new PartitionStats(
        rows, nulled, skipped, badRowsByReason, batches, nanInputs + nanIn, infiniteInputs + infiniteIn,
        nanOutputs + nanOut, batchTimes, timeline, modelLoads);
  }

  PartitionStats withModelLoad(ModelLoad load) {
    List<ModelLoad> loads = new ArrayList<>(modelLoads);
    loads.add(load);
    return new PartitionStats(
        rows, nulled, skipped, badRowsByReason, batches, nanInputs, infiniteInputs, nanOutputs, batchTimes, timeline,
        loads);
  }

  PartitionStats withTimeline(PartitionTimeline changed) {
    return new PartitionStats(
        rows, nulled, skipped, badRowsByReason, batches, nanInputs, infiniteInputs, nanOutputs, batchTimes, changed,
        modelLoads);
  }
}
