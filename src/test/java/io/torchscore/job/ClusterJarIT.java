package io.torchscore.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** The shaded jar for clusters: DJL and the CPU libtorch inside; Spark, Scala, slf4j left out. */
class ClusterJarIT {

  private static JarFile jar() throws IOException {
    return new JarFile(System.getProperty("torchscore.clusterJar"));
  }

  @Test
  void holdsTheJobDjlAndTheCpuNativeLibrary() throws IOException {
    try (JarFile jar = jar()) {
      assertThat(jar.getEntry("io/torchscore/job/ScoreCommand.class")).isNotNull();
      assertThat(jar.getEntry("ai/djl/pytorch/engine/PtEngine.class")).isNotNull();
      assertThat(jar.getEntry("pytorch/cpu/linux-x86_64/libtorch_cpu.so")).isNotNull();
      assertThat(jar.getEntry("picocli/CommandLine.class")).isNotNull();
      assertThat(jar.getEntry("me/tongfei/progressbar/ProgressBar.class")).isNotNull();
      assertThat(jar.getEntry("org/jline/utils/WCWidth.class")).isNotNull();
      assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class"))
          .isEqualTo("io.torchscore.job.ScoreCommand");
    }
  }

  @Test
  void mergesServiceFilesSoDjlFindsThePyTorchEngine() throws IOException {
    try (JarFile jar = jar();
        InputStream in = jar.getInputStream(jar.getEntry("META-INF/services/ai.djl.engine.EngineProvider"))) {
      String providers = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertThat(providers)
          .contains("ai.djl.pytorch.engine.PtEngineProvider")
          .contains("ai.djl.engine.rpc.RpcEngineProvider")
          .contains("ai.djl.onnxruntime.engine.OrtEngineProvider");
    }
  }

  @Test
  void holdsOnnxRuntimeWithOnlyItsLinuxX64Natives() throws IOException {
    try (JarFile jar = jar()) {
      assertThat(jar.getEntry("ai/djl/onnxruntime/engine/OrtEngine.class")).isNotNull();
      assertThat(jar.getEntry("ai/onnxruntime/native/linux-x64/libonnxruntime.so")).isNotNull();
      assertThat(jar.stream().map(e -> e.getName()))
          .filteredOn(name -> name.startsWith("ai/onnxruntime/native/") && !name.endsWith("/"))
          .allMatch(name -> name.startsWith("ai/onnxruntime/native/linux-x64/"));
    }
  }

  @Test
  void leavesSparkAndScalaToTheCluster() throws IOException {
    try (JarFile jar = jar()) {
      assertThat(jar.stream().map(e -> e.getName()))
          .noneMatch(name -> name.startsWith("org/apache/spark/"))
          .noneMatch(name -> name.startsWith("scala/"))
          .noneMatch(name -> name.startsWith("org/apache/hadoop/"))
          .noneMatch(name -> name.startsWith("org/slf4j/"));
    }
  }
}
