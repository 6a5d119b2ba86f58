package io.torchscore.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.torchscore.TorchScoreException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several JVMs may share one cache folder (executors of two jobs on one host): fetches at the same
 * moment all end with the model's bytes, and a model overwritten at its source after the driver
 * read it fails with one line instead of being loaded.
 */
class SharedCacheTest {

  @TempDir Path driverCache;
  @TempDir Path sharedCache;
  @TempDir Path store;

  @Test
  void twoJvmsFetchingIntoOneFolderAtOnceBothEndWithTheModel() throws Exception {
    // Large enough that the copies overlap; the fetcher copies bytes and does not load them.
    byte[] model = new byte[48 << 20];
    new Random(7).nextBytes(model);
    Path source = Files.write(store.resolve("big.pt"), model);
    ModelRef ref =
        ModelFetcher.locate(
            source.toString(), new Configuration(), 1, driverCache.toString(), null);
    Path start = store.resolve("start");
    List<Process> processes = new ArrayList<>();
    List<BufferedReader> outputs = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      Process process = fetchProcess(ref, start);
      BufferedReader output =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      assertThat(output.readLine()).isEqualTo("ready");
      processes.add(process);
      outputs.add(output);
    }

    Files.createFile(start);
    List<String> fetched = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      outputs.get(i).lines().forEach(fetched::add);
      assertThat(processes.get(i).waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(processes.get(i).exitValue()).isZero();
    }

    Path expected = sharedCache.resolve(sha256Of(model) + ".pt");
    assertThat(fetched).containsOnly("fetched " + expected).hasSize(4);
    assertThat(Files.readAllBytes(expected)).isEqualTo(model);
    try (Stream<Path> files = Files.list(sharedCache)) {
      assertThat(files).containsExactly(expected);
    }
  }

  @Test
  void aModelOverwrittenAtItsSourceAfterTheDriverReadItFailsWithOneLine() throws Exception {
    Path source = Files.copy(fixture("tutorial_mlp.pt"), store.resolve("model.pt"));
    ModelRef ref =
        ModelFetcher.locate(
            source.toString(), new Configuration(), 1, driverCache.toString(), null);
    Files.copy(fixture("classifier.pt"), source, StandardCopyOption.REPLACE_EXISTING);
    ModelRef executorRef =
        new ModelRef(
            ref.uri(), ref.sha256(), ref.sizeBytes(), 1, sharedCache.toString(), ref.hadoopConf());

    assertThatThrownBy(() -> ModelFetcher.fetch(executorRef))
        .isInstanceOf(TorchScoreException.class)
        .hasMessage(
            "Cannot load model: %s changed since the driver read it (sha256 %s, now %s); do not"
                + " overwrite a model while a job uses it",
            ref.uri(),
            sha256Of(Files.readAllBytes(fixture("tutorial_mlp.pt"))),
            sha256Of(Files.readAllBytes(fixture("classifier.pt"))));
    try (Stream<Path> files = Files.list(sharedCache)) {
      assertThat(files).isEmpty();
    }
  }

  private Process fetchProcess(ModelRef ref, Path start) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    return new ProcessBuilder(
            java,
            "-cp",
            System.getProperty("java.class.path"),
            FetchProcess.class.getName(),
            ref.uri(),
            ref.sha256(),
            Long.toString(ref.sizeBytes()),
            sharedCache.toString(),
            start.toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
  }

  private static String sha256Of(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  private static Path fixture(String name) {
    return Paths.get("src/test/resources/fixtures", name).toAbsolutePath();
  }
}
