package io.torchscore.spark;

import ai.djl.ndarray.NDList;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.translate.TranslateException;
import io.torchscore.TorchScoreException;
import io.torchscore.config.ConfKeys;
import io.torchscore.config.Redaction;
import io.torchscore.model.HadoopConf;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records libtorch's profiler ({@code spark.torchscore.profile}) around the first forward calls
 * of one task per executor JVM and scoring run, and writes them as a Chrome trace: a JSON array
 * of complete ({@code "ph": "X"}) events, one per operator ({@code aten::linear}, ...).
 *
 * <p>libtorch's legacy profiler records the thread that starts it (and the intra-op threads it
 * hands work to), so the first task of the run that reaches a forward in this JVM records its
 * own first {@code profile.batches} forwards, starting and stopping on its own thread. The trace
 * is written to a local temporary file, then copied through Hadoop's file system to
 * {@code spark.torchscore.profile.dir} (the job's report folder by default), or kept in the
 * executor's working directory when no folder is set.
 */
final class ForwardProfiler implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ForwardProfiler.class);

  // Runs already being recorded in this JVM: one task per run and JVM records.
  private static final Set<String> CLAIMED = ConcurrentHashMap.newKeySet();

  /**
   * What executors need to profile: fixed on the driver.
   *
   * @param runId names this scoring run's traces
   * @param batches forward calls to record ({@code spark.torchscore.profile.batches})
   * @param dir where the traces go, or null for each executor's working directory
   * @param hadoopConf the driver's Hadoop configuration, to reach that folder
   */
  record Target(String runId, int batches, String dir, HadoopConf hadoopConf) implements Serializable {

    /**
     * Returns the target of a new scoring run, named by its start time and a random suffix (e.g.
     * {@code 20250101-120000-1a2b3c4d}) so that runs never overwrite each other's traces.
     *
     * @param batches forward calls to record
     * @param dir where the traces go, or null
     * @param hadoopConf the driver's Hadoop configuration
     * @return the target
     */
    static Target newRun(int batches, String dir, HadoopConf hadoopConf) {
      String runId =
          DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").format(LocalDateTime.now())
              + "-"
              + UUID.randomUUID().toString().substring(0, 8);
      return new Target(runId, batches, dir, hadoopConf);
    }
  }

  private final Target target;
  private final String executor;
  private final ScoreMetrics metrics;
  private int recorded;
  private boolean recording;
  private boolean done;

  private ForwardProfiler(Target target, String executor, ScoreMetrics metrics) {
    this.target = target;
    this.executor = executor;
    this.metrics = metrics;
  }

  /**
   * Returns a profiler for this task when it is the first of the run in this JVM to ask, else
   * null; null also when profiling is off or the engine is not libtorch.
   */
  static ForwardProfiler claim(Target target, String engine, String executor, ScoreMetrics metrics) {
    if (target == null) {
      return null;
    }
    if (!"pytorch".equals(engine)) {
      LOG.warn("Not profiling: {} records libtorch's profiler and the engine is {}", ConfKeys.PROFILE, engine);
      return null;
    }
    return CLAIMED.add(target.runId()) ? new ForwardProfiler(target, executor, metrics) : null;
  }

  /** Wraps a forward call so that it is recorded while fewer than the target's batches were. */
  ModelForward wrap(ModelForward forward) {
    return inputs -> record(forward, inputs);
  }

  private NDList record(ModelForward forward, NDList inputs) throws TranslateException {
    if (!done && !recording) {
      try {
        JniUtils.startProfile(false, true, false);
        recording = true;
      } catch (ai.djl.engine.EngineException e) {
        // Another run of this JVM is recording: libtorch has one profiler.
        done = true;
        LOG.warn("Not profiling this run on executor {}: {}", executor, e.getMessage());
      }
    }
    try {
      return forward.apply(inputs);
    } finally {
      if (recording && ++recorded >= target.batches()) {
        stop();
      }
    }
  }

  /** Stops recording, writing what was recorded, when the partition ends before the last batch. */
  @Override
  public void close() {
    if (recording) {
      stop();
    }
  }

  private void stop() {
    recording = false;
    done = true;
    String name = "torchscore-trace-" + target.runId() + "-executor-" + executor + ".json";
    try {
      java.nio.file.Path local = Files.createTempFile("torchscore-trace-", ".json");
      JniUtils.stopProfile(local.toString());
      String written;
      if (target.dir() == null) {
        java.nio.file.Path kept = Paths.get("").toAbsolutePath().resolve(name);
        Files.move(local, kept, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        written = kept.toString();
      } else {
        Path destination = new Path(target.dir(), name);
        FileSystem fs = destination.getFileSystem(target.hadoopConf().get());
        fs.setWriteChecksum(false);
        fs.mkdirs(destination.getParent());
        fs.copyFromLocalFile(true, true, new Path(local.toUri()), destination);
        written = fs.makeQualified(destination).toString();
      }
      metrics.traceWritten(written);
      LOG.info("Profiler trace of {} forward calls written to {}", recorded, Redaction.uri(written));
    } catch (IOException e) {
      throw new TorchScoreException(
          e,
          "Cannot write the profiler trace %s to %s: %s; check %s",
          name,
          Redaction.uri(target.dir()),
          e.getMessage(),
          ConfKeys.PROFILE_DIR);
    }
  }
}
