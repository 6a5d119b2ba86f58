package io.torchscore.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.torchscore.SparkTestBase;
import io.torchscore.TorchScoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The demo's files come out of the jar as they are in the source tree, wherever they are sent. */
class DemoFilesTest extends SparkTestBase {

  @Test
  void copiesTheTutorialMlpReplacingWhatIsThere() throws IOException {
    Path target = Files.createTempDirectory("demo").resolve("models/mlp.pt");
    Files.createDirectories(target.getParent());
    Files.writeString(target, "an older file");

    DemoFiles.copyTutorialMlp(spark, target.toString());

    assertThat(target).hasSameBinaryContentAs(Path.of("jobs/models/tutorial_mlp.pt"));
  }

  @Test
  void copiesTheImageClassifierAndItsLabelsToAFileUri() throws IOException {
    Path folder = Files.createTempDirectory("demo");

    DemoFiles.copyImageClassifier(
        spark, folder.resolve("classifier.pt").toUri().toString(), folder.resolve("labels.txt").toString());

    assertThat(folder.resolve("classifier.pt")).hasSameBinaryContentAs(fixture("image_classifier.pt"));
    assertThat(folder.resolve("labels.txt")).hasSameBinaryContentAs(fixture("image_labels.txt"));
  }

  @Test
  void copiesFourImagesAndATruncatedJpegIntoANewFolder() throws IOException {
    Path folder = Files.createTempDirectory("demo").resolve("images");

    DemoFiles.copyImages(spark, folder.toString());

    // Hadoop's local file system writes a hidden .crc checksum beside each file.
    try (Stream<Path> files = Files.list(folder)) {
      assertThat(files.map(file -> file.getFileName().toString()).filter(name -> !name.startsWith(".")))
          .containsExactlyInAnyOrder("image_0.png", "image_1.jpg", "image_2.png", "image_3.jpg", "truncated.jpg");
    }
    assertThat(folder.resolve("image_1.jpg")).hasSameBinaryContentAs(fixture("images/image_1.jpg"));
    assertThat(folder.resolve("truncated.jpg")).hasSameBinaryContentAs(fixture("image_cases/truncated.jpg"));
  }

  @Test
  void saysWhichFileCouldNotBeWrittenWhere() throws IOException {
    Path notAFolder = Files.writeString(Files.createTempFile("demo", ".txt"), "a file");
    String target = notAFolder.resolve("mlp.pt").toString();

    assertThatThrownBy(() -> DemoFiles.copyTutorialMlp(spark, target))
        .isInstanceOf(TorchScoreException.class)
        .hasMessageStartingWith("Cannot copy the demo file tutorial_mlp.pt to " + target + ": ");
  }
}
