package io.torchscore.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.HashMap;
import org.apache.spark.SparkContext;
import org.apache.spark.util.AccumulatorV2;

/**
 * The batch sizes executors chose with {@code spark.torchscore.batch.size=auto}, one per executor
 * and device: every task that scored at a chosen size adds it, so a retried task or a later job
 * over the same executors (which do not time again) still reports it, once. An executor that
 * chose twice (which it should not) would show twice.
 */
public final class BatchSizeChoices extends AccumulatorV2<BatchSizeChoices.Choice, List<BatchSizeChoices.Choice>> {

  private static final long serialVersionUID = 1L;

  /** The Spark UI's name for the chosen sizes. */
  public static final String NAME = "torchscore batch size auto";

  /**
   * One executor's choice on one device.
   *
   * @param executor the executor's id ({@code driver} in local mode)
   * @param device where it scored, e.g. {@code cpu} or {@code gpu(0)}
   * @param batchSize the rows per forward call it chose
   * @param probeMillis how long its timed batches took
   */
  public record Choice(String executor, String device, int batchSize, long probeMillis) implements Serializable {

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "executor %s %s: %,d rows (timed %,d ms)", executor, device, batchSize, probeMillis);
    }
  }

  // Each choice, with the tasks that reported it.
  private final HashMap<Choice, Long> choices = new HashMap<>();

  /**
   * Creates and registers the accumulator, named so that the Spark UI shows it.
   *
   * @param sc the context
   * @return the accumulator
   */
  static BatchSizeChoices register(SparkContext sc) {
    BatchSizeChoices choices = new BatchSizeChoices();
    sc.register(choices, NAME);
    return choices;
  }

  @Override
  public synchronized boolean isZero() {
    // Null while a task deserializes this: Spark registers it before the fields are read.
    return choices == null || choices.isEmpty();
  }

  @Override
  public synchronized BatchSizeChoices copy() {
    BatchSizeChoices copy = new BatchSizeChoices();
    copy.choices.putAll(choices);
    return copy;
  }

  @Override
  public synchronized void reset() {
    choices.clear();
  }

  @Override
  public synchronized void add(Choice choice) {
    choices.merge(choice, 1L, Long::sum);
  }

  @Override
  public void merge(AccumulatorV2<Choice, List<Choice>> other) {
    Map<Choice, Long> theirs = ((BatchSizeChoices) other).tasks();
    synchronized (this) {
      theirs.forEach((choice, tasks) -> choices.merge(choice, tasks, Long::sum));
    }
  }

  /** Returns each choice with how many tasks reported it (each task that ended after the choice). */
  synchronized Map<Choice, Long> tasks() {
    return new HashMap<>(choices);
  }

  /** Returns the choices, by executor and device. */
  @Override
  public synchronized List<Choice> value() {
    List<Choice> list = new ArrayList<>(choices.keySet());
    list.sort(Comparator.comparing(Choice::executor).thenComparing(Choice::device));
    return list;
  }

  /**
   * Returns the choices as JSON values: {@code executor}, {@code device}, {@code batch_size},
   * {@code probe_ms}.
   *
   * @param choices the choices
   * @return one map per choice, in order
   */
  public static List<Map<String, Object>> toJson(List<Choice> choices) {
    List<Map<String, Object>> json = new ArrayList<>();
    for (Choice choice : choices) {
      Map<String, Object> entry = new java.util.LinkedHashMap<>();
      entry.put("executor", choice.executor());
      entry.put("device", choice.device());
      entry.put("batch_size", choice.batchSize());
      entry.put("probe_ms", choice.probeMillis());
      json.add(entry);
    }
    return json;
  }
}
