package io.torchscore.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.torchscore.TorchScoreException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model file that is missing for a moment is fetched once it appears; one that never appears
 * fails after the retry budget with one line naming its location, credentials removed.
 */
class FetchRetryTest {

  private static final Path MODEL =
      Paths.get("src/test/resources/fixtures/tutorial_mlp.pt").toAbsolutePath();

  @TempDir Path driverCache;
  @TempDir Path executorCache;
  @TempDir Path store;

  @Test
  void fetchesAFileThatAppearsAfterAFewAttempts() throws Exception {
    Path late = store.resolve("late.pt");
    ModelRef ref = refTo(late.toUri().toString(), new Configuration());
    Thread writer =
        new Thread(
            () -> {
              try {
                Thread.sleep(500);
                Path partial = Files.copy(MODEL, store.resolve("late.pt.tmp"));
                Files.move(partial, late, StandardCopyOption.ATOMIC_MOVE);
              } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    writer.start();

    Path fetched =
        ModelFetcher.fetchVerified(ref, new Backoff(Duration.ofSeconds(20), Duration.ofMillis(100)))
            .file();
    writer.join();

    assertThat(Files.readAllBytes(fetched)).isEqualTo(Files.readAllBytes(MODEL));
  }

  @Test
  void aFileThatNeverAppearsFailsWithOneLineNamingItsRedactedLocation() {
    Configuration conf = new Configuration();
    conf.set("fs.fakes3.impl", AuthorityLocalFileSystem.class.getName());
    conf.setBoolean("fs.fakes3.impl.disable.cache", true);
    ModelRef ref = refTo("fakes3://AKIAFAKEKEY:fakepw123@bucket" + store.resolve("never.pt"), conf);

    assertThatThrownBy(
            () ->
                ModelFetcher.fetchVerified(
                    ref, new Backoff(Duration.ofSeconds(1), Duration.ofMillis(100))))
        .isInstanceOf(TorchScoreException.class)
        .hasMessageStartingWith(
            "Cannot load model: failed to read fakes3://***@bucket"
                + store.resolve("never.pt")
                + " (")
        .hasMessageEndingWith("check that the file exists and that this machine can read it")
        .satisfies(
            e -> {
              assertThat(e.getMessage())
                  .doesNotContain("\n")
                  .doesNotContain("AKIAFAKEKEY")
                  .doesNotContain("fakepw123");
              assertThat(e.getMessage())
                  .containsPattern(
                      "\\(([2-9]|\\d\\d) attempts in \\d+ s\\): FileNotFoundException: ");
            });
  }

  private ModelRef refTo(String uri, Configuration conf) {
    ModelRef driver =
        ModelFetcher.locate(MODEL.toString(), new Configuration(), 1, driverCache.toString(), null);
    return new ModelRef(
        uri,
        driver.sha256(),
        driver.sizeBytes(),
        1,
        executorCache.toString(),
        new HadoopConf(conf));
  }

  /** The local file system under another scheme, with credentials in its URIs like s3a's. */
  public static final class AuthorityLocalFileSystem extends RawLocalFileSystem {

    private URI uri;

    @Override
    public void initialize(URI name, Configuration conf) throws IOException {
      super.initialize(name, conf);
      this.uri = URI.create(name.getScheme() + "://" + name.getRawAuthority());
    }

    @Override
    public URI getUri() {
      // The superclass's constructor asks before initialize.
      return uri == null ? super.getUri() : uri;
    }
  }
}
