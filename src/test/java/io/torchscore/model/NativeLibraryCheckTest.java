package io.torchscore.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DJL loads a native library from the cache folder only if it is the file the jars shipped: a
 * planted or altered library, or a file no jar shipped, makes DJL extract the jar's again.
 */
class NativeLibraryCheckTest {

  private static final String JNI_ENTRY = "jnilib/linux-x86_64/cpu/libdjl_torch.so";

  private static Map<String, List<NativeLibraryCheck.Shipped>> shipped;
  private static byte[] jni;

  @TempDir Path cache;

  @BeforeAll
  static void readTheJarsLibraries() throws IOException {
    shipped = NativeLibraryCheck.shippedLibraries(NativeLibraryCheckTest.class.getClassLoader());
    try (InputStream in = NativeLibraryCheckTest.class.getClassLoader().getResourceAsStream(JNI_ENTRY)) {
      jni = in.readAllBytes();
    }
  }

  @Test
  void theClasspathShipsTheJniAndLibtorch() {
    assertThat(shipped).containsKeys("libdjl_torch.so", "libtorch.so", "libtorch_cpu.so", "libc10.so");
  }

  @Test
  void aFolderOfTheJarsOwnFilesIsKept() throws IOException {
    Path folder = versionFolder();
    Files.write(folder.resolve("0.36.0-libdjl_torch.so"), jni);

    assertThat(NativeLibraryCheck.removeUnshipped(cache, shipped)).isEmpty();
    assertThat(folder.resolve("0.36.0-libdjl_torch.so")).exists();
  }

  @Test
  void aLibraryWithOneByteChangedIsRemoved() throws IOException {
    Path folder = versionFolder();
    byte[] altered = jni.clone();
    altered[altered.length / 2] ^= 1;
    Files.write(folder.resolve("0.36.0-libdjl_torch.so"), altered);

    assertThat(NativeLibraryCheck.removeUnshipped(cache, shipped)).containsExactly(folder);
    assertThat(folder).doesNotExist();
  }

  @Test
  void aFileNoJarShippedIsRemovedWithItsFolder() throws IOException {
    Path folder = versionFolder();
    Files.write(folder.resolve("0.36.0-libdjl_torch.so"), jni);
    Files.writeString(folder.resolve("libplanted.so"), "not a library");

    assertThat(NativeLibraryCheck.removeUnshipped(cache, shipped)).containsExactly(folder);
  }

  @Test
  void withNoJarToCompareWithNothingIsRemoved() throws IOException {
    Path folder = versionFolder();
    Files.writeString(folder.resolve("0.36.0-libdjl_torch.so"), "a JNI the user built");

    assertThat(NativeLibraryCheck.removeUnshipped(cache, Map.of())).isEmpty();
    assertThat(folder.resolve("0.36.0-libdjl_torch.so")).exists();
  }

  @Test
  void aJvmWhoseCacheHoldsAPlantedJniStartsTheJarsOwnAndScores() throws Exception {
    Path folder = Files.createDirectories(cache.resolve("djl/pytorch/2.7.1-20250812-cpu-linux-x86_64"));
    Files.writeString(folder.resolve("0.36.0-libdjl_torch.so"), "planted by another user");

    Engine started = startEngine();

    assertThat(started.exitCode()).as(started.output()).isZero();
    assertThat(started.output()).contains("scored (1, 1)").contains("Removed DJL's native libraries in " + folder);
    assertThat(Files.readAllBytes(folder.resolve("0.36.0-libdjl_torch.so"))).isEqualTo(jni);
  }

  @Test
  void aCacheDjlCannotExtractIntoIsNamedWithTheFixNotACudaJar() throws Exception {
    // A file where DJL's folder of libraries goes: its extraction fails as on a read-only disk.
    Files.createDirectories(cache.resolve("djl"));
    Files.writeString(cache.resolve("djl/pytorch"), "not a folder");

    Engine started = startEngine();

    assertThat(started.exitCode()).isNotZero();
    assertThat(started.output())
        .contains(
            "Cannot start DJL's PyTorch engine: cannot extract its native libraries into " + cache.resolve("djl"))
        .contains("set spark.torchscore.cache.dir to a local folder this user can write")
        .doesNotContain("pytorch-native-cu128");
  }

  private record Engine(int exitCode, String output) {}

  /** Starts DJL's engine in a JVM of its own with the test's cache folder, and scores one row. */
  private Engine startEngine() throws Exception {
    Path log = cache.resolve("engine-start.log");
    String java = ProcessHandle.current().info().command().orElse("java");
    Process process =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                EngineStartProcess.class.getName(),
                cache.toString(),
                Paths.get("src/test/resources/fixtures/tutorial_mlp.pt").toAbsolutePath().toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Engine(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }

  private Path versionFolder() throws IOException {
    return Files.createDirectories(cache.resolve("2.7.1-20250812-cpu-linux-x86_64"));
  }
}
