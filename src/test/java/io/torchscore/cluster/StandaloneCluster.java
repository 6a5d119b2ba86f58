package io.torchscore.cluster;

import java.io.File;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A Spark standalone cluster on this machine as an operator runs one: a master and two workers,
 * each its own JVM, the workers on two loopback addresses (127.0.0.2 and 127.0.0.3) so that Spark
 * sees two hosts. Each executor starts in its own mount namespace with a private, empty
 * {@code /tmp}: it cannot see the driver's temp folder, and its model cache is its own, as on
 * another machine. Needs root (for {@code unshare --mount}) and Linux.
 */
public final class StandaloneCluster implements AutoCloseable {

  /** The workers' addresses: one "host" each. */
  public static final List<String> HOSTS = List.of("127.0.0.2", "127.0.0.3");

  /** Cores each worker offers, so one executor of this many cores per host. */
  public static final int CORES_PER_WORKER = 2;

  private static final String MASTER_HOST = "127.0.0.1";

  private static final String TMP_OPTIONS = "TORCHSCORE_EXECUTOR_TMP_OPTIONS";

  private final Path root;
  private final String masterUrl;
  private final int masterUiPort;
  private final List<Process> daemons = new CopyOnWriteArrayList<>();
  private final List<String> tmpOptions;

  private StandaloneCluster(Path root, int masterPort, int masterUiPort, List<String> tmpOptions) {
    this.root = root;
    this.tmpOptions = tmpOptions;
    this.masterUrl = "spark://" + MASTER_HOST + ":" + masterPort;
    this.masterUiPort = masterUiPort;
  }

  /**
   * Starts the master and the workers, and waits until both workers have registered.
   *
   * @param root a folder outside {@code /tmp} for the daemons' logs, the Spark home, the workers'
   *     work and local folders (executors must see it)
   * @return the running cluster; close it to stop it
   * @throws Exception when the workers do not register in two minutes
   */
  public static StandaloneCluster start(Path root) throws Exception {
    return start(root, List.of("size=2g", "size=2g"));
  }

  /**
   * Starts the master and the workers, each worker's executors with a {@code /tmp} of its own
   * mount options (e.g. {@code size=4k} for a full disk, {@code ro} for a read-only one), and
   * waits until both workers have registered.
   *
   * @param root a folder outside {@code /tmp}, as for {@link #start(Path)}
   * @param tmpOptions the tmpfs mount options of each worker's executors' {@code /tmp}
   * @return the running cluster; close it to stop it
   * @throws Exception when the workers do not register in two minutes
   */
  public static StandaloneCluster start(Path root, List<String> tmpOptions) throws Exception {
    StandaloneCluster cluster = new StandaloneCluster(root, freePort(), freePort(), tmpOptions);
    // Workers stop their executors as they go; a test JVM that is killed takes its daemons along.
    Runtime.getRuntime().addShutdownHook(new Thread(cluster::destroy, "standalone-cluster-stop"));
    try {
      cluster.startDaemons();
    } catch (Exception e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  /**
   * Returns the master's URL, for {@code spark.master}.
   *
   * @return {@code spark://127.0.0.1:<port>}
   */
  public String masterUrl() {
    return masterUrl;
  }

  /**
   * Returns the folder the cluster keeps its files in.
   *
   * @return the root given at start
   */
  public Path root() {
    return root;
  }

  /**
   * Returns the stderr of an application's executors, as their workers kept it.
   *
   * @param appId the application's id
   * @return the logs of all its executors, one after the other
   * @throws IOException when a log cannot be read
   */
  public String executorLogs(String appId) throws IOException {
    StringBuilder logs = new StringBuilder();
    for (int worker = 0; worker < HOSTS.size(); worker++) {
      Path app = root.resolve("work-" + worker).resolve(appId);
      if (!Files.isDirectory(app)) {
        continue;
      }
      try (var files = Files.walk(app)) {
        for (Path stderr : files.filter(f -> f.getFileName().toString().equals("stderr")).toList()) {
          logs.append(Files.readString(stderr, StandardCharsets.UTF_8));
        }
      }
    }
    return logs.toString();
  }

  private void startDaemons() throws Exception {
    Path sparkHome = root.resolve("spark-home");
    Files.createDirectories(sparkHome.resolve("jars"));
    Files.writeString(sparkHome.resolve("RELEASE"), "");
    Path executorJava = executorJavaHome();
    checkNamespaces(executorJava);
    daemons.add(
        builder(
                "master",
                List.of(
                    "org.apache.spark.deploy.master.Master",
                    "--host", MASTER_HOST,
                    "--port", masterUrl.substring(masterUrl.lastIndexOf(':') + 1),
                    "--webui-port", Integer.toString(masterUiPort)),
                sparkHome)
            .start());
    for (int worker = 0; worker < HOSTS.size(); worker++) {
      Path work = Files.createDirectories(root.resolve("work-" + worker));
      Path local = Files.createDirectories(root.resolve("local-" + worker));
      ProcessBuilder builder =
          builder(
              "worker-" + worker,
              List.of(
                  "org.apache.spark.deploy.worker.Worker",
                  "--host", HOSTS.get(worker),
                  "--webui-port", "0",
                  "--cores", Integer.toString(CORES_PER_WORKER),
                  "--memory", "1g",
                  "--work-dir", work.toString(),
                  masterUrl),
              sparkHome);
      // The worker starts executors with $JAVA_HOME/bin/java: the wrapper.
      builder.environment().put("JAVA_HOME", executorJava.toString());
      builder.environment().put("SPARK_LOCAL_DIRS", local.toString());
      // The executors the worker starts inherit its environment: the wrapper reads it.
      builder.environment().put(TMP_OPTIONS, tmpOptions.get(worker));
      daemons.add(builder.start());
    }
    awaitWorkers();
  }

  private ProcessBuilder builder(String name, List<String> mainAndArgs, Path sparkHome) {
    List<String> command = new ArrayList<>();
    command.add(realJava());
    Arrays.stream(System.getProperty("torchscore.javaOpens", "").split("\\s+"))
        .filter(option -> !option.isEmpty())
        .forEach(command::add);
    command.add("-Xmx256m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.addAll(mainAndArgs);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(root.resolve(name + ".log").toFile());
    builder.environment().put("SPARK_HOME", sparkHome.toString());
    // Spark's launcher wants it where the Spark home is not a real distribution's.
    String scalaVersion = scala.util.Properties.versionNumberString();
    builder.environment().put("SPARK_SCALA_VERSION", scalaVersion.substring(0, scalaVersion.lastIndexOf('.')));
    return builder;
  }

  /**
   * A Java home whose {@code bin/java} starts the real java in a new mount namespace, with a
   * private tmpfs on {@code /tmp}: the executor's own disk, as on a host of its own. The project
   * folder (classes, input, output) stays visible when it lies under {@code /tmp} itself, as a CI
   * checkout may: it is bound back into the new {@code /tmp}.
   */
  private Path executorJavaHome() throws IOException {
    Path home = root.resolve("executor-java");
    Path bin = Files.createDirectories(home.resolve("bin"));
    String kept = String.join(" ", keptUnderTmp());
    Path inNamespace = bin.resolve("in-namespace.sh");
    Files.writeString(
        inNamespace,
        "#!/bin/sh\n"
            + "# Runs in the executor's own mount namespace: an empty private /tmp, the project and the\n"
            + "# classpath kept.\n"
            + "set -e\n"
            + "kept='" + kept + "'\n"
            + "if [ -n \"$kept\" ]; then mkdir -p /mnt; mount --bind /tmp /mnt; fi\n"
            + "mount -t tmpfs -o mode=1777,${" + TMP_OPTIONS + ":-size=2g} executor-tmp /tmp\n"
            + "for folder in $kept; do\n"
            + "  mkdir -p \"$folder\"\n"
            + "  mount --bind \"/mnt${folder#/tmp}\" \"$folder\"\n"
            + "done\n"
            + "if [ -n \"$kept\" ]; then umount -l /mnt; fi\n"
            + "exec \"$@\"\n");
    Path java = bin.resolve("java");
    Files.writeString(
        java,
        "#!/bin/sh\n"
            + "# An executor on a host of its own: its own mount namespace and an empty private /tmp.\n"
            + "exec unshare --mount --propagation private /bin/sh " + inNamespace + " " + realJava() + " \"$@\"\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    return home;
  }

  /**
   * The folders directly under {@code /tmp} that hold the project or a classpath entry (a CI
   * checkout, a Maven repository under {@code /tmp}): bound back into the executors' new
   * {@code /tmp}, or they could not start.
   */
  private static Set<String> keptUnderTmp() {
    Set<String> kept = new TreeSet<>();
    List<String> paths = new ArrayList<>(List.of(System.getProperty("java.class.path").split(File.pathSeparator)));
    paths.add(Paths.get("").toAbsolutePath().toString());
    for (String path : paths) {
      Path absolute = Paths.get(path).toAbsolutePath().normalize();
      if (absolute.startsWith("/tmp") && absolute.getNameCount() > 1) {
        kept.add("/tmp/" + absolute.getName(1));
      }
    }
    return kept;
  }

  /** Fails at once, saying why, where executors cannot have a mount namespace of their own. */
  private void checkNamespaces(Path javaHome) throws Exception {
    Path log = root.resolve("executor-java-check.log");
    // The executors' main class, loaded as they load it: from the classpath, in the namespace.
    Process check =
        new ProcessBuilder(
                javaHome.resolve("bin/java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                ExecutorClasspathProbe.class.getName())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    if (!check.waitFor(1, TimeUnit.MINUTES) || check.exitValue() != 0) {
      throw new IllegalStateException(
          "Cannot start executors in a mount namespace of their own with the classpath visible:"
              + " unshare --mount and mount -t tmpfs need Linux and root (CAP_SYS_ADMIN), and the"
              + " classpath must lie outside /tmp or in a folder bound back into it; "
              + Files.readString(log).strip());
    }
  }

  private void awaitWorkers() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    String state = "";
    while (System.nanoTime() < deadline) {
      for (Process daemon : daemons) {
        if (!daemon.isAlive()) {
          throw new IllegalStateException(
              "Cannot start the standalone cluster: a daemon exited; see the logs in " + root);
        }
      }
      state = masterState();
      if (state.matches("(?s).*\"aliveworkers\"\\s*:\\s*" + HOSTS.size() + "\\D.*")) {
        return;
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException(
        "Cannot start the standalone cluster: workers not registered in two minutes (" + state + "); see " + root);
  }

  /** The master's state as its web UI gives it in JSON, or "" while it is not up. */
  private String masterState() {
    try {
      HttpURLConnection connection =
          (HttpURLConnection)
              URI.create("http://" + MASTER_HOST + ":" + masterUiPort + "/json/").toURL().openConnection();
      connection.setConnectTimeout(1000);
      connection.setReadTimeout(1000);
      try (var in = connection.getInputStream()) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      return "";
    }
  }

  private static String realJava() {
    return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** Stops the workers (and so their executors) and the master. */
  @Override
  public void close() throws InterruptedException {
    for (int i = daemons.size() - 1; i >= 0; i--) {
      Process daemon = daemons.get(i);
      daemon.destroy();
      if (!daemon.waitFor(20, TimeUnit.SECONDS)) {
        daemon.destroyForcibly();
      }
    }
  }

  private void destroy() {
    daemons.forEach(Process::destroy);
  }
}
