package io.torchscore.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.torchscore.SparkTestBase;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver's file server, reached through Spark's internal API, on each Spark version: a file it
 * serves reads back whole from its URI, and a failure to read one is an {@link IOException}, which
 * the fetch retries.
 */
class DriverFileServerTest extends SparkTestBase {

  @TempDir Path driverDisk;

  @Test
  void aServedFileReadsBackWholeFromItsUri() throws IOException {
    Path file = Files.copy(fixture("tutorial_mlp.pt"), driverDisk.resolve("served.pt"));

    String uri = DriverFileServer.serve(spark.sparkContext(), file);

    assertThat(uri).startsWith("spark://").endsWith("/files/served.pt");
    try (InputStream in = DriverFileServer.open(uri)) {
      assertThat(in.readAllBytes()).isEqualTo(Files.readAllBytes(file));
    }
  }

  @Test
  void aFileTheDriverDoesNotServeFailsToReadWithAnIOException() throws IOException {
    Path file = Files.copy(fixture("tutorial_mlp.pt"), driverDisk.resolve("other.pt"));
    String uri = DriverFileServer.serve(spark.sparkContext(), file);
    String missing = uri.replace("/files/other.pt", "/files/never-served.pt");

    assertThatThrownBy(
            () -> {
              try (InputStream in = DriverFileServer.open(missing)) {
                in.readAllBytes();
              }
            })
        .isInstanceOf(IOException.class)
        .hasMessageContaining("never-served.pt");
  }
}
