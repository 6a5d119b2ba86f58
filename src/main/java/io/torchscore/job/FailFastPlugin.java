package io.torchscore.job;

import io.torchscore.TorchScoreException;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.ExceptionFailure;
import org.apache.spark.SparkContext;
import org.apache.spark.TaskContext;
import org.apache.spark.TaskFailedReason;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.api.plugin.SparkPlugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fails a Spark job at the first bad row under {@code on.error=fail} instead of letting Spark try
 * the task again ({@code spark.task.maxFailures} times): the row is as bad the next time.
 *
 * <p>Spark retries a failed task as soon as the driver hears of the failure, before any
 * {@code SparkListener} could react. So the executor's side of this plugin tells the driver before
 * it reports the failure, and waits until the driver has cancelled the stage; the failure then
 * reaches a cancelled stage, which Spark does not retry. The job adds it to {@code spark.plugins};
 * library callers can add {@code io.torchscore.job.FailFastPlugin} there too.
 */
public final class FailFastPlugin implements SparkPlugin {

  private static final Logger LOG = LoggerFactory.getLogger(FailFastPlugin.class);

  // What ScoredRowIterator's bad-row failures start with: a model or fetch failure may pass on
  // another executor, a bad row never does.
  private static final String BAD_ROW = TorchScoreException.class.getName() + ": Cannot score row";

  private static final long CANCEL_WAIT_MS = 10_000;

  // The first bad row of this driver JVM's SparkContext; reset when a context starts.
  private static final AtomicReference<String> FIRST_BAD_ROW = new AtomicReference<>();

  /**
   * Returns the message of the first bad row that failed a job of the current SparkContext.
   *
   * @return the {@link TorchScoreException}'s message, or null when no bad row failed a job
   */
  public static String firstBadRow() {
    return FIRST_BAD_ROW.get();
  }

  @Override
  public DriverPlugin driverPlugin() {
    return new Driver();
  }

  @Override
  public ExecutorPlugin executorPlugin() {
    return new Executor();
  }

  /** A bad row's failure, sent from a task to the driver. */
  record BadRow(int stageId, String message) implements Serializable {}

  private static final class Driver implements DriverPlugin {

    private SparkContext sc;

    @Override
    public Map<String, String> init(SparkContext context, PluginContext plugin) {
      sc = context;
      FIRST_BAD_ROW.set(null);
      return Map.of();
    }

    @Override
    public Object receive(Object message) throws InterruptedException {
      if (!(message instanceof BadRow badRow)) {
        throw new IllegalArgumentException("Unknown message " + message);
      }
      FIRST_BAD_ROW.compareAndSet(null, badRow.message());
      LOG.debug("Cancelling stage {} for a bad row: {}", badRow.stageId(), badRow.message());
      sc.cancelStage(badRow.stageId(), "a bad row failed a task under spark.torchscore.on.error=fail");
      // The stage leaves the status tracker's active list only after the scheduler cancelled it.
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CANCEL_WAIT_MS);
      while (isActive(badRow.stageId()) && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      return Boolean.TRUE;
    }

    private boolean isActive(int stageId) {
      return Arrays.stream(sc.statusTracker().getActiveStageIds()).anyMatch(id -> id == stageId);
    }
  }

  private static final class Executor implements ExecutorPlugin {

    private final ThreadLocal<Integer> stageId = new ThreadLocal<>();
    private PluginContext plugin;

    @Override
    public void init(PluginContext context, Map<String, String> extraConf) {
      plugin = context;
    }

    @Override
    public void onTaskStart() {
      TaskContext task = TaskContext.get();
      stageId.set(task == null ? null : task.stageId());
    }

    @Override
    public void onTaskSucceeded() {
      stageId.remove();
    }

    @Override
    public void onTaskFailed(TaskFailedReason reason) {
      Integer stage = stageId.get();
      stageId.remove();
      String message = reason instanceof ExceptionFailure failure ? badRow(failure) : null;
      if (stage == null || message == null) {
        return;
      }
      try {
        plugin.ask(new BadRow(stage, message));
      } catch (Exception e) {
        // Spark's own retries still end the job, only later.
        LOG.warn("Cannot tell the driver of a bad row: {}", TorchScoreException.firstLine(e.getMessage()));
      }
    }

    /** Returns the bad row's message when the task failed on one, even wrapped by a writer. */
    private static String badRow(ExceptionFailure failure) {
      String trace = failure.fullStackTrace();
      int start = trace == null ? -1 : trace.indexOf(BAD_ROW);
      if (start < 0) {
        return null;
      }
      start += TorchScoreException.class.getName().length() + 2;
      int end = trace.indexOf('\n', start);
      return end < 0 ? trace.substring(start) : trace.substring(start, end);
    }
  }
}
