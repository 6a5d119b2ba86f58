package io.torchscore.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorAdded;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.scheduler.StageInfo;
import org.apache.spark.scheduler.TaskInfo;

/**
 * A driver-side listener ({@code spark.extraListeners}) that does to one executor JVM what an
 * operator's worst day does, and writes down what the driver saw. Test code only: it is set up by
 * the driver JVM's system properties, never by a torchscore setting.
 *
 * <ul>
 *   <li>{@code fault.action}: {@code kill} (SIGKILL), {@code pause} (SIGSTOP until a speculative
 *       copy of one of its tasks has succeeded elsewhere, at most {@code fault.pauseMillis}, then
 *       SIGCONT: the original attempt finishes late),
 *       {@code zombie} (SIGSTOP until the driver has declared the executor lost, then SIGCONT), or
 *       {@code none};
 *   <li>{@code fault.stage}: the fault hits in stages whose name (Spark's call site, e.g.
 *       {@code save at StagedOutput.java:119}) contains this, so not in the input's schema scan;
 *   <li>{@code fault.afterTasks}: the fault hits the first executor that has finished this many
 *       tasks of such stages, as its next one starts, so the job is in the middle of scoring;
 *   <li>{@code fault.journal}: the file of events, one a line: {@code executor-added},
 *       {@code stage}, {@code fault}, {@code task-start}, {@code task-end}, {@code executor-removed},
 *       {@code view}.
 * </ul>
 *
 * <p>{@code view} lines say, at each job's end, what each live executor sees of the disk through
 * {@code /proc/<pid>/root}: the file system on its {@code /tmp}, whether the driver's model path
 * exists for it, and the files in its model cache.
 */
public final class FaultInjector extends SparkListener {

  private final String action = System.getProperty("fault.action", "none");
  private final String stage = System.getProperty("fault.stage", "");
  private final int afterTasks = Integer.getInteger("fault.afterTasks", 2);
  private final long pauseMillis = Long.getLong("fault.pauseMillis", 4000);
  private final Path journal = Path.of(System.getProperty("fault.journal"));
  private final String appId;
  private final String modelPath;
  private final Map<String, Long> pids = new ConcurrentHashMap<>();
  private final Map<String, Integer> finished = new ConcurrentHashMap<>();
  private final AtomicReference<String> target = new AtomicReference<>();
  private final Map<Integer, String> stageNames = new ConcurrentHashMap<>();
  private final AtomicBoolean resumed = new AtomicBoolean();

  /**
   * Creates the listener; Spark calls this with the driver's conf.
   *
   * @param conf the driver's Spark conf
   */
  public FaultInjector(SparkConf conf) {
    this.appId = conf.get("spark.app.id");
    this.modelPath = conf.get("spark.torchscore.model.path", "");
    write("app id=" + appId + " action=" + action);
  }

  @Override
  public void onExecutorAdded(SparkListenerExecutorAdded added) {
    String id = added.executorId();
    long pid = executorPid(id);
    pids.put(id, pid);
    write("executor-added id=" + id + " host=" + added.executorInfo().executorHost() + " pid=" + pid);
  }

  @Override
  public void onStageSubmitted(SparkListenerStageSubmitted submitted) {
    StageInfo info = submitted.stageInfo();
    stageNames.put(info.stageId(), info.name());
    write("stage id=" + info.stageId() + " tasks=" + info.numTasks() + " name=" + info.name().replace(' ', '_'));
  }

  @Override
  public void onTaskStart(SparkListenerTaskStart start) {
    TaskInfo task = start.taskInfo();
    String executor = task.executorId();
    write(
        "task-start stage=" + start.stageId()
            + " index=" + task.index()
            + " executor=" + executor
            + " host=" + task.host()
            + " speculative=" + task.speculative());
    if (action.equals("none")
        || !stageNames.getOrDefault(start.stageId(), "").contains(stage)
        || finished.getOrDefault(executor, 0) < afterTasks
        || !target.compareAndSet(null, executor)) {
      return;
    }
    long pid = pids.getOrDefault(executor, -1L);
    switch (action) {
      case "kill" -> signal("KILL", pid);
      case "pause" -> {
        signal("STOP", pid);
        Thread resume =
            new Thread(
                () -> {
                  try {
                    Thread.sleep(pauseMillis);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  resume(executor);
                },
                "fault-resume");
        resume.setDaemon(true);
        resume.start();
      }
      case "zombie" -> signal("STOP", pid);
      default -> throw new IllegalArgumentException("Unknown fault.action " + action);
    }
    write(
        "fault "
            + action
            + " executor=" + executor
            + " host=" + task.host()
            + " pid=" + pid
            + " finished=" + finished.get(executor)
            + " stage=" + start.stageId()
            + " starting=" + task.index());
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd end) {
    TaskInfo task = end.taskInfo();
    String reason = end.reason().getClass().getSimpleName().replace("$", "");
    if (reason.equals("Success") && stageNames.getOrDefault(end.stageId(), "").contains(stage)) {
      finished.merge(task.executorId(), 1, Integer::sum);
    }
    if (action.equals("pause") && reason.equals("Success") && task.speculative()) {
      resume(target.get());
    }
    write(
        "task-end stage=" + end.stageId()
            + " index=" + task.index()
            + " attempt=" + task.attemptNumber()
            + " executor=" + task.executorId()
            + " host=" + task.host()
            + " speculative=" + task.speculative()
            + " reason=" + reason);
  }

  @Override
  public void onExecutorRemoved(SparkListenerExecutorRemoved removed) {
    String id = removed.executorId();
    write("executor-removed id=" + id + " reason=" + removed.reason().replace('\n', ' '));
    if (action.equals("zombie") && id.equals(target.get())) {
      resume(id);
    }
  }

  /** Lets the stopped executor run again, once. */
  private void resume(String executor) {
    if (resumed.compareAndSet(false, true)) {
      signal("CONT", pids.getOrDefault(executor, -1L));
      write("fault resumed executor=" + executor);
    }
  }

  @Override
  public void onJobEnd(SparkListenerJobEnd end) {
    pids.forEach(
        (id, pid) -> {
          Path root = Path.of("/proc/" + pid + "/root");
          if (pid > 0 && Files.isDirectory(root)) {
            write(
                "view executor=" + id
                    + " tmp=" + tmpFileSystem(pid)
                    + " model-visible=" + Files.exists(Path.of(root + modelPath))
                    + " cached=" + cachedModels(root));
          }
        });
  }

  /** The PID of this application's executor JVM {@code id}, found by its command line. */
  private long executorPid(String id) {
    for (int tries = 0; tries < 50; tries++) {
      try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
        for (Path process : processes.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
          List<String> args = commandLine(process);
          int executorId = args.indexOf("--executor-id");
          int app = args.indexOf("--app-id");
          if (args.stream().anyMatch(a -> a.endsWith("CoarseGrainedExecutorBackend"))
              && executorId >= 0
              && app >= 0
              && args.get(executorId + 1).equals(id)
              && args.get(app + 1).equals(appId)) {
            return Long.parseLong(process.getFileName().toString());
          }
        }
        Thread.sleep(100);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return -1;
      }
    }
    return -1;
  }

  private static List<String> commandLine(Path process) {
    try {
      return List.of(
          new String(Files.readAllBytes(process.resolve("cmdline")), StandardCharsets.UTF_8).split("\0"));
    } catch (IOException e) {
      return List.of();
    }
  }

  /** The file system type mounted on the process's {@code /tmp}, from its mountinfo. */
  private static String tmpFileSystem(long pid) {
    try {
      String type = "none";
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/mountinfo"))) {
        String[] fields = line.split(" ");
        int separator = List.of(fields).indexOf("-");
        if (fields[4].equals("/tmp") && separator > 0) {
          type = fields[separator + 1];
        }
      }
      return type;
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static String cachedModels(Path root) {
    Path cache = Path.of(root + "/tmp/torchscore-cache-" + System.getProperty("user.name"));
    try (Stream<Path> files = Files.list(cache)) {
      return String.join(
          ",",
          files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".pt")).sorted().toList());
    } catch (IOException e) {
      return "";
    }
  }

  private void signal(String signal, long pid) {
    try {
      // The shell's kill: a minimal image may lack procps's.
      int code =
          new ProcessBuilder("/bin/sh", "-c", "kill -" + signal + " " + pid).inheritIO().start().waitFor();
      write("signal " + signal + " pid=" + pid + " exit=" + code);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private synchronized void write(String line) {
    try {
      Files.writeString(
          journal,
          line + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
