package io.torchscore.job;

import java.util.HashMap;
import java.util.Map;

/**
 * The rows seen so far, running task attempts included: the counts kept from attempts that ended,
 * plus what running attempts last reported in an executor heartbeat.
 *
 * <p>Each partition counts once, as the larger of its kept count and its running attempts'
 * reports: the rule by which the driver keeps one attempt per partition. So an attempt's partial
 * count gives way to its final one as soon as the driver merged it, whether or not its end was
 * heard of yet, and a speculative copy does not add to its original. An attempt's reports are
 * dropped when it ends: a failed or killed attempt's partial count disappears. Reports from an
 * attempt not heard to start, or heard to end, are ignored.
 */
final class LiveRowCount {

  // Task attempt id to the rows per partition its latest heartbeat reported.
  private final Map<Long, Map<Integer, RowsSeen>> running = new HashMap<>();

  /** Takes note of a task attempt that started. */
  synchronized void started(long taskId) {
    running.put(taskId, Map.of());
  }

  /**
   * Takes a running task attempt's rows so far, replacing its previous report.
   *
   * @param taskId the attempt
   * @param rows partition to its rows so far
   */
  synchronized void reported(long taskId, Map<Integer, RowsSeen> rows) {
    running.computeIfPresent(taskId, (id, previous) -> Map.copyOf(rows));
  }

  /** Forgets a task attempt that ended, whether it succeeded or not. */
  synchronized void ended(long taskId) {
    running.remove(taskId);
  }

  /**
   * Returns the rows seen so far.
   *
   * @param kept partition to its rows, as kept from the attempts that ended
   * @return the kept rows, with the running attempts' where they saw more
   */
  synchronized RowsSeen total(Map<Integer, RowsSeen> kept) {
    Map<Integer, RowsSeen> best = new HashMap<>(kept);
    running.values().forEach(rows -> rows.forEach((partition, seen) -> best.merge(partition, seen, LiveRowCount::more)));
    long all = 0;
    long bad = 0;
    for (RowsSeen seen : best.values()) {
      all += seen.all();
      bad += seen.bad();
    }
    return new RowsSeen(all, bad);
  }

  private static RowsSeen more(RowsSeen a, RowsSeen b) {
    return b.all() > a.all() ? b : a;
  }
}
