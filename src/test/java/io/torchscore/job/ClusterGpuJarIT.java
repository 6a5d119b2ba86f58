package io.torchscore.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code -cluster-gpu.jar} bundles no libtorch: on a cluster DJL takes the one named by
 * {@code PYTORCH_LIBRARY_PATH} (here a CPU libtorch unpacked from DJL's own native jar, standing
 * in for a CUDA one), and without any it stops with one line saying what to add.
 */
class ClusterGpuJarIT {

  private static final String TORCH_VERSION = "2.7.1";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void leavesLibtorchOutButKeepsDjlAndItsJni() throws IOException {
    try (JarFile jar = new JarFile(System.getProperty("torchscore.clusterGpuJar"))) {
      assertThat(jar.getEntry("io/torchscore/job/ScoreCommand.class")).isNotNull();
      assertThat(jar.getEntry("ai/djl/pytorch/engine/PtEngine.class")).isNotNull();
      assertThat(jar.getEntry("jnilib/linux-x86_64/cu128/libdjl_torch.so")).isNotNull();
      assertThat(jar.getEntry("native/lib/pytorch.properties")).isNull();
      assertThat(jar.stream().map(JarEntry::getName)).noneMatch(name -> name.startsWith("pytorch/"));
    }
  }

  @Test
  void keepsDjlsOnnxRuntimeEngineButLeavesTheCpuRuntimeToTheCluster() throws IOException {
    try (JarFile jar = new JarFile(System.getProperty("torchscore.clusterGpuJar"))) {
      assertThat(jar.getEntry("ai/djl/onnxruntime/engine/OrtEngine.class")).isNotNull();
      assertThat(jar.stream().map(JarEntry::getName)).noneMatch(name -> name.startsWith("ai/onnxruntime/"));
    }
  }

  @Test
  void scoresWithTheLibtorchNamedByPytorchLibraryPath() throws Exception {
    Path libtorch = unpackCpuLibtorch(dir.resolve("libtorch"));
    Path output = dir.resolve("scored");
    Path cache = dir.resolve("cache");
    Process process =
        score(
            Map.of(
                "PYTORCH_LIBRARY_PATH", libtorch.toString(),
                "PYTORCH_VERSION", TORCH_VERSION,
                "PYTORCH_FLAVOR", "cpu"),
            output,
            cache);
    String err = Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8);

    assertThat(process.exitValue()).as(err).isZero();
    List<JsonNode> rows = readJsonLines(output);
    assertThat(rows).hasSize(1000);
    for (JsonNode row : rows) {
      assertThat(row.get("prediction").asDouble())
          .as("row %s", row.get("id"))
          .isCloseTo(row.get("expected").asDouble(), within(1e-5));
    }
    // DJL copied only its JNI library into the cache: libtorch itself came from the given folder.
    Path djlCache = cache.resolve("djl/pytorch/" + TORCH_VERSION + "-cpu-linux-x86_64");
    try (Stream<Path> files = Files.list(djlCache)) {
      assertThat(files.map(f -> f.getFileName().toString())).containsExactly("0.36.0-libdjl_torch.so");
    }
  }

  @Test
  void failsWithOneLineSayingWhatToAddWhenNoLibtorchIsUsable() throws Exception {
    Process process = score(Map.of(), dir.resolve("scored"), dir.resolve("cache"));
    String err = Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8);

    assertThat(process.exitValue()).as(err).isEqualTo(ScoreCommand.EXIT_BAD_INPUT);
    List<String> messages = err.lines().filter(line -> line.startsWith("torchscore:")).toList();
    assertThat(messages).as(err).hasSize(1);
    assertThat(messages.get(0))
        .startsWith("torchscore: Cannot start DJL's PyTorch engine: PYTORCH_LIBRARY_PATH is not set"
            + " and no libtorch is on the classpath")
        .contains("ai.djl.pytorch:pytorch-native-cu128:2.7.1:linux-x86_64")
        .contains("PYTORCH_LIBRARY_PATH", "PYTORCH_VERSION", "PYTORCH_FLAVOR");
    assertThat(dir.resolve("scored")).doesNotExist();
  }

  @Test
  void saysACudaLibtorchNeedsAGpuWhenItIsTheOnlyOneOnAMachineWithout() throws Exception {
    // What DJL reads of a pytorch-native-cu128 jar: on a machine with no GPU it passes it over.
    Path cudaNative = dir.resolve("pytorch-native-cu128.jar");
    try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(cudaNative))) {
      jar.putNextEntry(new JarEntry("native/lib/pytorch.properties"));
      jar.write(
          ("version=" + TORCH_VERSION + "-20250812\nflavor=cu128\nclassifier=linux-x86_64\n"
                  + "libraries=libc10.so,libtorch.so,libtorch_cpu.so,libtorch_cuda.so\n")
              .getBytes(StandardCharsets.UTF_8));
    }
    Process process = score(Map.of(), dir.resolve("scored"), dir.resolve("cache"), cudaNative);
    String err = Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8);

    assertThat(process.exitValue()).as(err).isEqualTo(ScoreCommand.EXIT_BAD_INPUT);
    assertThat(err.lines().filter(line -> line.startsWith("torchscore:")).toList())
        .singleElement()
        .asString()
        .contains("the classpath holds libtorch cu128 but DJL sees 0 CUDA GPUs here")
        .contains("with a CPU libtorch where there is no GPU (the -cluster.jar bundles one)");
  }

  /** Runs the job from the gpu jar on Spark's own jars, with only the given PyTorch variables. */
  private Process score(Map<String, String> torchEnv, Path output, Path cache, Path... extraJars)
      throws Exception {
    StringBuilder classpath = new StringBuilder(System.getProperty("torchscore.clusterGpuJar"));
    for (Path jar : extraJars) {
      classpath.append(':').append(jar);
    }
    classpath
        .append(':')
        .append(Files.readString(Paths.get(System.getProperty("torchscore.sparkClasspath"))).trim());
    List<String> command = new ArrayList<>();
    command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(Arrays.asList(System.getProperty("torchscore.javaOpens").split(" ")));
    command.addAll(
        List.of(
            "-Xmx1g",
            "-Dlog4j2.configurationFile=" + Paths.get("conf/log4j2.properties").toAbsolutePath(),
            "-cp",
            classpath.toString(),
            "io.torchscore.job.ScoreCommand",
            "--conf", "spark.master=local[2]",
            "--conf", "spark.ui.enabled=false",
            "--conf", "spark.torchscore.model.path=" + fixture("tutorial_mlp.pt"),
            "--conf", "spark.torchscore.input.path=" + fixture("tutorial_mlp.jsonl"),
            "--conf", "spark.torchscore.input.format=json",
            "--conf", "spark.torchscore.features=features",
            "--conf", "spark.torchscore.output.path=" + output,
            "--conf", "spark.torchscore.output.format=json",
            "--conf", "spark.torchscore.cache.dir=" + cache));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectOutput(dir.resolve("out.txt").toFile())
            .redirectError(dir.resolve("err.txt").toFile());
    Map<String, String> env = builder.environment();
    for (String key :
        List.of("PYTORCH_LIBRARY_PATH", "PYTORCH_VERSION", "PYTORCH_FLAVOR", "DJL_CACHE_DIR", "ENGINE_CACHE_DIR")) {
      env.remove(key);
    }
    env.put("OPT_OUT_TRACKING", "true");
    env.putAll(torchEnv);
    Process process = builder.start();
    assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
    return process;
  }

  private static String fixture(String name) {
    return Paths.get("src/test/resources/fixtures", name).toAbsolutePath().toString();
  }

  /** Unpacks libtorch's files from DJL's CPU native jar, as a libtorch install lays them out. */
  private static Path unpackCpuLibtorch(Path target) throws IOException {
    String prefix = "pytorch/cpu/linux-x86_64/";
    Files.createDirectories(target);
    try (JarFile jar = new JarFile(System.getProperty("torchscore.cpuNativeJar"))) {
      Enumeration<JarEntry> entries = jar.entries();
      while (entries.hasMoreElements()) {
        JarEntry entry = entries.nextElement();
        if (entry.getName().startsWith(prefix) && !entry.isDirectory()) {
          try (InputStream in = jar.getInputStream(entry)) {
            Files.copy(in, target.resolve(entry.getName().substring(prefix.length())));
          }
        }
      }
    }
    assertThat(target.resolve("libtorch.so")).exists();
    return target;
  }

  private static List<JsonNode> readJsonLines(Path folder) throws IOException {
    List<JsonNode> rows = new ArrayList<>();
    try (Stream<Path> files = Files.list(folder)) {
      for (Path part : files.filter(f -> f.getFileName().toString().startsWith("part-")).sorted().toList()) {
        for (String line : Files.readAllLines(part, StandardCharsets.UTF_8)) {
          rows.add(JSON.readTree(line));
        }
      }
    }
    return rows;
  }
}
