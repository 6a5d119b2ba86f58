package io.torchscore.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code jobs/score} on a machine with Spark installed: it hands the cluster jar to spark-submit.
 * The installation is a stand-in whose {@code bin/spark-submit} runs Spark's real
 * {@code SparkSubmit} on Spark's own jars only, so torchscore and DJL come from the cluster jar.
 */
class SparkSubmitIT {

  @TempDir Path dir;

  @ParameterizedTest
  @CsvSource({"tutorial_mlp.pt, pytorch", "tutorial_mlp.onnx, onnxruntime"})
  void submitsTheClusterJarWithSparkSubmit(String model, String engine) throws Exception {
    Path sparkHome = dir.resolve("spark");
    Files.createDirectories(sparkHome.resolve("bin"));
    String sparkClasspath = Files.readString(Paths.get(System.getProperty("torchscore.sparkClasspath"))).trim();
    Path submit = sparkHome.resolve("bin/spark-submit");
    Files.writeString(
        submit,
        "#!/usr/bin/env bash\nexec java "
            + System.getProperty("torchscore.javaOpens")
            + " -Xmx1g -cp '"
            + sparkClasspath
            + "' org.apache.spark.deploy.SparkSubmit \"$@\"\n");
    Files.setPosixFilePermissions(submit, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path properties = dir.resolve("job.properties");
    Path output = dir.resolve("scored");
    Files.write(
        properties,
        List.of(
            "spark.master=local[2]",
            "spark.ui.enabled=false",
            "spark.torchscore.model.path=" + Paths.get("src/test/resources/fixtures", model).toAbsolutePath(),
            "spark.torchscore.engine=" + engine,
            "spark.torchscore.input.path=" + Paths.get("src/test/resources/fixtures/tutorial_mlp.jsonl").toAbsolutePath(),
            "spark.torchscore.input.format=json",
            "spark.torchscore.features=features",
            "spark.torchscore.output.path=" + output,
            "spark.torchscore.output.format=json"));

    ProcessBuilder builder =
        new ProcessBuilder("jobs/score", "--properties-file", properties.toString())
            .redirectOutput(dir.resolve("out.txt").toFile())
            .redirectError(dir.resolve("err.txt").toFile());
    builder.environment().put("SPARK_HOME", sparkHome.toString());
    builder.environment().remove("TORCHSCORE_EMBEDDED");
    builder.environment().remove("TORCHSCORE_CLASSPATH");
    Process process = builder.start();
    assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
    String out = Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8);
    String err = Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8);

    assertThat(process.exitValue()).as(err).isZero();
    assertThat(out).contains("Scored 1,000 rows");
    assertThat(err).contains("torchscore-0.1.0-SNAPSHOT-cluster.jar");
    try (var files = Files.list(output)) {
      assertThat(files.filter(f -> f.getFileName().toString().startsWith("part-"))).isNotEmpty();
    }
  }
}
