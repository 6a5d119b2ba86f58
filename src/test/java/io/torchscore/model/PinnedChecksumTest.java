package io.torchscore.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.torchscore.TorchScoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** spark.torchscore.model.sha256 pins the model file: another file fails on the driver. */
class PinnedChecksumTest {

  private static final Path MODEL = fixture("tutorial_mlp.pt");

  @TempDir Path cache;

  @Test
  void theFileWithThePinnedChecksumIsLocated() throws Exception {
    String pin = sha256Of(MODEL).toUpperCase(Locale.ROOT);

    ModelRef ref =
        ModelFetcher.locate(MODEL.toString(), new Configuration(), 1, cache.toString(), pin);

    assertThat(ref.sha256()).isEqualTo(sha256Of(MODEL));
  }

  @Test
  void anotherFileFailsWithOneLineGivingBothChecksumsAndTheKey() throws Exception {
    String pin = sha256Of(fixture("classifier.pt"));

    assertThatThrownBy(
            () ->
                ModelFetcher.locate(
                    MODEL.toString(), new Configuration(), 1, cache.toString(), pin))
        .isInstanceOf(TorchScoreException.class)
        .hasMessage(
            "Cannot load model: %s has sha256 %s, but spark.torchscore.model.sha256 is %s; point"
                + " spark.torchscore.model.path at the pinned file or update the pin",
            MODEL, sha256Of(MODEL), pin);
  }

  private static String sha256Of(Path file) throws IOException, NoSuchAlgorithmException {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  private static Path fixture(String name) {
    return Paths.get("src/test/resources/fixtures", name).toAbsolutePath();
  }
}
