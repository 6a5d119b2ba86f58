package io.torchscore.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An executor uses the file in its cache under the model's checksum name only when it is the model:
 * a truncated, corrupt or different file there is replaced by a fresh copy.
 */
class CachedFileVerificationTest {

  private static final Path MODEL = fixture("tutorial_mlp.pt");

  @TempDir Path driverCache;
  @TempDir Path executorCache;

  static Stream<Arguments> wrongFiles() throws IOException {
    byte[] model = Files.readAllBytes(MODEL);
    byte[] flipped = model.clone();
    flipped[model.length / 2] ^= 0x01;
    return Stream.of(
        Arguments.of("truncated", Arrays.copyOf(model, model.length / 2), "bytes"),
        Arguments.of(
            "another TorchScript model", Files.readAllBytes(fixture("classifier.pt")), "bytes"),
        Arguments.of("one byte flipped", flipped, "sha256"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("wrongFiles")
  void replacesAWrongFileUnderTheChecksumName(String what, byte[] wrong, String reason)
      throws IOException {
    ModelRef ref = executorRef();
    Files.write(executorCache.resolve(ref.sha256() + ".pt"), wrong);

    ModelFetcher.Fetched fetched = ModelFetcher.fetchVerified(ref);

    assertThat(fetched.file()).isEqualTo(executorCache.resolve(ref.sha256() + ".pt"));
    assertThat(Files.readAllBytes(fetched.file())).isEqualTo(Files.readAllBytes(MODEL));
    assertThat(fetched.replaced()).contains(reason);
  }

  @Test
  void usesAVerifiedFileWithoutCopyingItAgain() throws IOException {
    ModelRef ref = executorRef();
    ModelFetcher.Fetched first = ModelFetcher.fetchVerified(ref);
    Object firstFile = Files.readAttributes(first.file(), BasicFileAttributes.class).fileKey();

    ModelFetcher.Fetched second = ModelFetcher.fetchVerified(ref);

    assertThat(first.replaced()).isNull();
    assertThat(second.replaced()).isNull();
    assertThat(Files.readAttributes(second.file(), BasicFileAttributes.class).fileKey())
        .isEqualTo(firstFile);
    assertThat(Files.readAllBytes(second.file())).isEqualTo(Files.readAllBytes(MODEL));
  }

  /** The reference the driver broadcasts, as seen by an executor with its own cache folder. */
  private ModelRef executorRef() {
    ModelRef driver =
        ModelFetcher.locate(MODEL.toString(), new Configuration(), 1, driverCache.toString(), null);
    return new ModelRef(
        driver.uri(),
        driver.sha256(),
        driver.sizeBytes(),
        1,
        executorCache.toString(),
        driver.hadoopConf());
  }

  private static Path fixture(String name) {
    return Paths.get("src/test/resources/fixtures", name).toAbsolutePath();
  }
}
