package io.torchscore;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;

/**
 * Starts Spark's {@code local-cluster} mode: real executor JVMs on this machine, with the test
 * classpath, so executor-side behaviour (one model per JVM, GPU resources) is tested for real.
 */
public final class LocalCluster {

  private LocalCluster() {}

  /**
   * Starts a session of {@code executors} executor JVMs and waits until they have registered.
   *
   * @param executors the executor JVMs
   * @param cores cores per executor
   * @param name the application's name
   * @param conf extra Spark conf
   * @return the session; the caller stops it
   * @throws Exception when the executors do not start in two minutes
   */
  public static SparkSession start(int executors, int cores, String name, Map<String, String> conf)
      throws Exception {
    prepareSparkHome();
    SparkSession.Builder builder =
        SparkSession.builder()
            .master("local-cluster[" + executors + "," + cores + ",1024]")
            .appName(name)
            .config("spark.ui.enabled", "false")
            .config("spark.executor.extraClassPath", System.getProperty("java.class.path"));
    String opens = System.getProperty("torchscore.test.javaOpens");
    String extra = conf.getOrDefault("spark.executor.extraJavaOptions", "");
    builder.config("spark.executor.extraJavaOptions", (opens == null ? "" : opens) + " " + extra);
    conf.forEach(
        (key, value) -> {
          if (!key.equals("spark.executor.extraJavaOptions")) {
            builder.config(key, value);
          }
        });
    SparkSession spark = builder.getOrCreate();
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (spark.sparkContext().statusTracker().getExecutorInfos().length < executors + 1
        && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertThat(spark.sparkContext().statusTracker().getExecutorInfos()).hasSize(executors + 1);
    return spark;
  }

  /**
   * Returns the ids of the executors that ran a task of this session, filled in as tasks end.
   *
   * @param spark the session
   * @return a live set of executor ids
   */
  public static Set<String> executorsWithTasks(SparkSession spark) {
    Set<String> executors = ConcurrentHashMap.newKeySet();
    spark
        .sparkContext()
        .addSparkListener(
            new SparkListener() {
              @Override
              public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
                executors.add(taskEnd.taskInfo().executorId());
              }
            });
    return executors;
  }

  /** A Spark "distribution" for local-cluster: a RELEASE file and a jars folder; the executors
   * take their classpath from spark.executor.extraClassPath. */
  private static void prepareSparkHome() throws IOException {
    Path home = Paths.get(System.getenv("SPARK_HOME"));
    Files.createDirectories(home.resolve("jars"));
    if (!Files.exists(home.resolve("RELEASE"))) {
      Files.createFile(home.resolve("RELEASE"));
    }
  }
}
