package io.torchscore.job;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.ExceptionFailure;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says on the driver's console, once per executor and problem, when a task failed because of that
 * executor's own machine (its cache folder cannot be created or written, is another user's, or
 * libtorch cannot be extracted there): Spark runs the task again on another executor (the job
 * turns on {@code spark.excludeOnFailure.enabled}), so the job may well succeed, and the line
 * tells the operator which node to fix.
 */
final class ExecutorProblems extends SparkListener {

  private static final Logger LOG = LoggerFactory.getLogger(ExecutorProblems.class);

  // The messages of the failures that belong to one machine's disk, not to the data or model.
  private static final String[] NODE_FAILURES = {
    "Cannot cache model: cannot create or write folder",
    "Cannot use cache folder",
    "Cannot start DJL's PyTorch engine: cannot extract",
  };

  private final Set<String> said = ConcurrentHashMap.newKeySet();

  @Override
  public void onTaskEnd(SparkListenerTaskEnd end) {
    if (!(end.reason() instanceof ExceptionFailure failure)) {
      return;
    }
    String message = failure.description() == null ? "" : failure.description();
    for (String nodeFailure : NODE_FAILURES) {
      if (message.startsWith(nodeFailure)) {
        String executor = end.taskInfo().executorId();
        if (said.add(executor + "\n" + message)) {
          LOG.warn(
              "Executor {} on {} cannot score: {} (Spark runs its tasks on other executors)",
              executor,
              end.taskInfo().host(),
              message);
        }
        return;
      }
    }
  }
}
