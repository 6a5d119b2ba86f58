package io.torchscore.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.torchscore.LocalCluster;
import io.torchscore.TorchScoreException;
import io.torchscore.model.DeviceProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spark's real GPU scheduling on executor JVMs ({@code local-cluster}), with a discovery script
 * announcing fake GPUs "0" and "1" per executor, half a GPU per task, and
 * {@code CUDA_VISIBLE_DEVICES=1,0} on the executors. CUDA sees no device here, so {@code auto}
 * falls back to the CPU and {@code gpu} fails; each task's Spark address and the CUDA ordinal
 * torchscore mapped it to are checked.
 */
class GpuSchedulingTest {

  private static final Pattern TASK =
      Pattern.compile("executor (\\d+), partition (\\d+): cpu \\(spark address (\\d) -> cuda (\\d); (.*)\\)");

  @TempDir static Path dir;

  private static SparkSession spark;

  @BeforeAll
  static void startCluster() throws Exception {
    Path script = dir.resolve("gpus.sh");
    Files.writeString(script, "#!/usr/bin/env bash\necho '{\"name\":\"gpu\",\"addresses\":[\"0\",\"1\"]}'\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    spark =
        LocalCluster.start(
            2,
            2,
            "torchscore-gpu-scheduling",
            Map.of(
                "spark.worker.resource.gpu.amount", "2",
                "spark.worker.resource.gpu.discoveryScript", script.toString(),
                "spark.executor.resource.gpu.amount", "2",
                "spark.executor.resource.gpu.discoveryScript", script.toString(),
                "spark.task.resource.gpu.amount", "0.5",
                "spark.executorEnv.CUDA_VISIBLE_DEVICES", "1,0",
                "spark.task.maxFailures", "1",
                // No waiting for the executor that holds the shuffle's map output: the tasks
                // go to the free slots of both executors.
                "spark.locality.wait", "0",
                "spark.executor.extraJavaOptions", "-D" + DeviceProbe.PROPERTY + "=" + NoCudaProbe.class.getName()));
  }

  /**
   * Waits until no task runs. A task killed when a test's job fails holds its slot until it
   * returns (here, while its executor's libtorch is still starting), and the next test's tasks
   * would then all run on the other executor.
   */
  @AfterEach
  void waitForIdleExecutors() throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (Arrays.stream(spark.sparkContext().statusTracker().getExecutorInfos()).anyMatch(e -> e.numRunningTasks() > 0)
        && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
  }

  @AfterAll
  static void stopCluster() {
    spark.stop();
  }

  @Test
  void autoUsesEachTasksSparkAddressAndFallsBackToTheCpuWhenCudaCannotUseIt() {
    Dataset<Row> input = input();

    ScoreResult result =
        io.torchscore.spark.TorchScorer.builder().modelPath(model()).featuresCol("features").batchSize(64).build().score(input);
    List<Row> rows = result.scored().collectAsList();

    assertThat(rows).hasSize(1000);
    for (Row row : rows) {
      assertThat(row.<Float>getAs("prediction")).isCloseTo(row.<Float>getAs("expected"), within(1e-5f));
    }
    List<String> devices = result.metrics().devices();
    assertThat(devices).hasSize(6);
    for (String task : devices) {
      Matcher matcher = TASK.matcher(task);
      assertThat(matcher.matches()).as(task).isTrue();
      String address = matcher.group(3);
      // CUDA_VISIBLE_DEVICES=1,0: Spark's address 1 is CUDA ordinal 0, address 0 is ordinal 1.
      assertThat(matcher.group(4)).as(task).isEqualTo(address.equals("1") ? "0" : "1");
      assertThat(matcher.group(5))
          .isEqualTo("Spark assigned GPU address " + address + " but CUDA sees 0 devices (CUDA_VISIBLE_DEVICES=1,0)");
    }
    assertThat(devices.stream().map(task -> task.substring(0, task.indexOf(','))).distinct()).hasSize(2);
  }

  @Test
  void gpuFailsTheTaskInOneLineWhenItsGpuIsNotUsable() {
    Dataset<Row> input = input();

    assertThatThrownBy(
            () -> io.torchscore.spark.TorchScorer.builder().modelPath(model()).featuresCol("features").device("gpu")
                .build().transform(input).collectAsList())
        .satisfies(
            failure -> {
              Throwable cause = failure;
              while (cause != null && !(cause instanceof TorchScoreException)) {
                cause = cause.getCause();
              }
              assertThat(cause).as("a TorchScoreException from the executor").isNotNull();
              assertThat(cause.getMessage())
                  .matches("Cannot score on a GPU: Spark assigned GPU address [01] but CUDA sees 0 devices"
                      + " \\(CUDA_VISIBLE_DEVICES=1,0\\); .*spark.torchscore.device=auto.*")
                  .doesNotContain("\n");
            });
  }

  private static Dataset<Row> input() {
    return spark
        .read()
        .schema(StructType.fromDDL("id BIGINT, features ARRAY<FLOAT>, expected FLOAT"))
        .json(Paths.get("src/test/resources/fixtures/tutorial_mlp.jsonl").toAbsolutePath().toString())
        .repartition(6);
  }

  private static String model() {
    return Paths.get("src/test/resources/fixtures/tutorial_mlp.pt").toAbsolutePath().toString();
  }
}
