package io.torchscore.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver locates its model on every transform(): it copies the file into its cache again only
 * when the source's location, size or modification time changed.
 */
class DriverLocateTest {

  @TempDir Path cache;
  @TempDir Path store;

  @Test
  void anUnchangedSourceIsNotCopiedAgain() throws IOException {
    Path source = Files.copy(fixture("tutorial_mlp.pt"), store.resolve("model.pt"));
    ModelRef first =
        ModelFetcher.locate(source.toString(), new Configuration(), 1, cache.toString(), null);
    Object copied = fileKey(cache.resolve(first.sha256() + ".pt"));

    ModelRef second =
        ModelFetcher.locate(source.toString(), new Configuration(), 1, cache.toString(), null);

    assertThat(second.sha256()).isEqualTo(first.sha256());
    assertThat(second.sizeBytes()).isEqualTo(first.sizeBytes());
    assertThat(fileKey(cache.resolve(second.sha256() + ".pt"))).isEqualTo(copied);
  }

  @Test
  void aChangedSourceIsCopiedAndChecksummedAgain() throws Exception {
    Path source = Files.copy(fixture("tutorial_mlp.pt"), store.resolve("model.pt"));
    ModelRef first =
        ModelFetcher.locate(source.toString(), new Configuration(), 1, cache.toString(), null);
    Files.copy(fixture("classifier.pt"), source, StandardCopyOption.REPLACE_EXISTING);
    Files.setLastModifiedTime(
        source, FileTime.fromMillis(Files.getLastModifiedTime(source).toMillis() + 5000));

    ModelRef second =
        ModelFetcher.locate(source.toString(), new Configuration(), 1, cache.toString(), null);

    byte[] retrained = Files.readAllBytes(fixture("classifier.pt"));
    assertThat(first.sha256()).isNotEqualTo(second.sha256());
    assertThat(second.sha256())
        .isEqualTo(
            HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(retrained)));
    assertThat(second.sizeBytes()).isEqualTo(retrained.length);
    assertThat(Files.readAllBytes(cache.resolve(second.sha256() + ".pt"))).isEqualTo(retrained);
  }

  private static Object fileKey(Path file) throws IOException {
    return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
  }

  private static Path fixture(String name) {
    return Paths.get("src/test/resources/fixtures", name).toAbsolutePath();
  }
}
