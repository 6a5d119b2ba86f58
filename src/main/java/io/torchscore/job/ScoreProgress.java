package io.torchscore.job;

import io.torchscore.spark.ScoreMetrics;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.scheduler.StageInfo;
import scala.Tuple4;

/**
 * Follows the scoring as Spark runs it: it shows the rows seen so far at each task end and at each
 * executor heartbeat, which carries running tasks' counts ({@code spark.executor.heartbeatInterval}),
 * and it times the stages that scored, from the first one's submission to the last one's
 * completion.
 */
final class ScoreProgress extends SparkListener implements AutoCloseable {

  /**
   * The Scala collections of {@code accumUpdates()} are {@code scala.collection.Seq} on Scala 2.12
   * (Spark 3.5) and {@code scala.collection.immutable.Seq} on 2.13 (Spark 4): the method is found
   * by name and its result walked as an Iterable, whose {@code iterator()} both share.
   */
  private static final java.lang.reflect.Method ACCUM_UPDATES = accumUpdates();

  // Listeners hear of events after the fact; a finished job's last events arrive within this.
  private static final long DRAIN_MILLIS = 10_000;

  private final SparkContext sc;
  private final ScoreMetrics metrics;
  private final ProgressDisplay display;
  private final LiveRowCount live = new LiveRowCount();
  private long firstSubmitted = Long.MAX_VALUE;
  private long lastCompleted = Long.MIN_VALUE;
  private int jobsStarted;
  private int jobsRunning;

  private ScoreProgress(SparkContext sc, ScoreMetrics metrics, ProgressDisplay display) {
    this.sc = sc;
    this.metrics = metrics;
    this.display = display;
  }

  /**
   * Starts following the jobs Spark runs from now on.
   *
   * @param sc the context that will run the scoring
   * @param metrics the scoring's counters
   * @param display where the counts go
   * @return the listener, to close once the scoring's actions returned
   */
  static ScoreProgress start(SparkContext sc, ScoreMetrics metrics, ProgressDisplay display) {
    ScoreProgress progress = new ScoreProgress(sc, metrics, display);
    sc.addSparkListener(progress);
    return progress;
  }

  @Override
  public void onTaskStart(SparkListenerTaskStart taskStart) {
    live.started(taskStart.taskInfo().taskId());
  }

  @Override
  public void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate update) {
    // Per running task attempt: (task attempt id, stage id, stage attempt, accumulator values).
    scala.collection.Iterator<?> tasks = iterator(invoke(ACCUM_UPDATES, update));
    while (tasks.hasNext()) {
      Tuple4<?, ?, ?, ?> task = (Tuple4<?, ?, ?, ?>) tasks.next();
      Map<Integer, RowsSeen> rows = new HashMap<>();
      scala.collection.Iterator<?> accumulables = iterator(task._4());
      while (accumulables.hasNext()) {
        metrics.partitionsIn((AccumulableInfo) accumulables.next())
            .forEach((partition, stats) -> rows.put(partition, RowsSeen.of(stats)));
      }
      if (!rows.isEmpty()) {
        live.reported((Long) task._1(), rows);
      }
    }
    show();
  }

  private static java.lang.reflect.Method accumUpdates() {
    try {
      return SparkListenerExecutorMetricsUpdate.class.getMethod("accumUpdates");
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException("Spark's SparkListenerExecutorMetricsUpdate has no accumUpdates()", e);
    }
  }

  private static Object invoke(java.lang.reflect.Method method, Object target) {
    try {
      return method.invoke(target);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("Cannot read " + method.getName() + " of a heartbeat", e);
    }
  }

  private static scala.collection.Iterator<?> iterator(Object iterable) {
    return ((scala.collection.Iterable<?>) iterable).iterator();
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
    live.ended(taskEnd.taskInfo().taskId());
    show();
  }

  @Override
  public synchronized void onStageCompleted(SparkListenerStageCompleted completed) {
    StageInfo stage = completed.stageInfo();
    if (metrics.scoredIn(stage) && stage.submissionTime().isDefined() && stage.completionTime().isDefined()) {
      firstSubmitted = Math.min(firstSubmitted, (Long) stage.submissionTime().get());
      lastCompleted = Math.max(lastCompleted, (Long) stage.completionTime().get());
    }
  }

  @Override
  public synchronized void onJobStart(SparkListenerJobStart start) {
    jobsStarted++;
    jobsRunning++;
  }

  @Override
  public synchronized void onJobEnd(SparkListenerJobEnd end) {
    jobsRunning--;
    notifyAll();
  }

  /**
   * Returns how long the stages that scored ran, from the first submission to the last completion.
   *
   * @return seconds, 0 when no stage scored
   */
  synchronized double scoringSeconds() {
    return lastCompleted >= firstSubmitted ? (lastCompleted - firstSubmitted) / 1000.0 : 0;
  }

  /**
   * Waits (briefly) until this listener heard the end of the jobs that ran, so that
   * {@link #scoringSeconds()} covers them; call it once the scoring's actions returned.
   */
  synchronized void awaitJobEnds() {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_MILLIS);
    long left;
    // No job heard of yet though rows were scored: its events are still on their way.
    while ((jobsRunning > 0 || (jobsStarted == 0 && metrics.rows() + metrics.nulled() + metrics.skipped() > 0))
        && (left = deadline - System.nanoTime()) > 0) {
      try {
        TimeUnit.NANOSECONDS.timedWait(this, left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Shows the final counts and stops listening. */
  @Override
  public void close() {
    sc.removeSparkListener(this);
    // The counts kept from the attempts that ended, as the report gives them: an attempt heard of
    // as running (a speculative copy killed after the job ended) adds nothing.
    long bad = metrics.nulled() + metrics.skipped();
    display.update(metrics.rows() + bad, bad);
    display.close();
  }

  private void show() {
    Map<Integer, RowsSeen> kept = new HashMap<>();
    metrics.partitions().forEach((partition, stats) -> kept.put(partition, RowsSeen.of(stats)));
    RowsSeen seen = live.total(kept);
    display.update(seen.all(), seen.bad());
  }
}
