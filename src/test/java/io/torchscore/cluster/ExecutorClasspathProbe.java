package io.torchscore.cluster;

/**
 * Run by {@link StandaloneCluster} with the executors' own {@code java} before the cluster starts:
 * loads the class an executor starts with, so that a classpath the executors cannot see fails the
 * tests in seconds, saying why, instead of each executor launch failing for minutes.
 */
public final class ExecutorClasspathProbe {

  private ExecutorClasspathProbe() {}

  /**
   * Loads Spark's executor backend.
   *
   * @param args none
   * @throws ClassNotFoundException when the classpath is not visible
   */
  public static void main(String[] args) throws ClassNotFoundException {
    Class.forName("org.apache.spark.executor.CoarseGrainedExecutorBackend", false, ExecutorClasspathProbe.class.getClassLoader());
    System.out.println("executor classpath visible");
  }
}
