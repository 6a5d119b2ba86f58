package io.torchscore.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.torchscore.SparkTestBase;
import io.torchscore.config.ImageSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * Images from {@code spark.read.format("binaryFile")}, preprocessed like torchvision's
 * {@code Resize(64) → CenterCrop(56) → ToTensor → Normalize(ImageNet)} on the same files.
 *
 * <p>Tolerances: PNG pixels are decoded identically and resized with PIL's own fixed-point
 * arithmetic, so they match to float rounding (1e-6). JPEG decoders (Java's and libjpeg-turbo's)
 * may differ by a few levels on some pixels: at most 0.1 per value and 0.01 on average.
 */
class ImageInputTest extends SparkTestBase {

  private static final ImageSettings SMALL =
      new ImageSettings(64, 56, new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});

  @Test
  void preprocessingMatchesTorchvision() {
    Dataset<Row> images =
        spark.read().format("binaryFile").load(fixture("images").toString());
    Map<String, List<Double>> expected = new HashMap<>();
    for (Row row : fixtureTable("images.jsonl", "name STRING, expected ARRAY<DOUBLE>").collectAsList()) {
      expected.put(row.getString(0), row.getList(1));
    }

    Dataset<Row> scored =
        TorchScorer.builder()
            .modelPath(fixture("flatten.pt").toString())
            .featuresCol("content")
            .image(SMALL)
            .batchSize(3)
            .build()
            .transform(images);

    List<Row> rows = scored.collectAsList();
    assertThat(rows).hasSize(4);
    for (Row row : rows) {
      String name = Path.of(row.<String>getAs("path").replace("file:", "")).getFileName().toString();
      List<Float> actual = row.getList(row.fieldIndex("prediction"));
      List<Double> want = expected.get(name);
      assertThat(actual).hasSize(3 * 56 * 56).hasSameSizeAs(want);
      double maxDiff = 0;
      double sumDiff = 0;
      for (int i = 0; i < actual.size(); i++) {
        double diff = Math.abs(actual.get(i) - want.get(i));
        maxDiff = Math.max(maxDiff, diff);
        sumDiff += diff;
      }
      boolean png = name.endsWith(".png");
      assertThat(maxDiff).as("%s max difference", name).isLessThanOrEqualTo(png ? 1e-6 : 0.1);
      assertThat(sumDiff / actual.size()).as("%s mean difference", name).isLessThanOrEqualTo(png ? 1e-6 : 0.01);
    }
  }

  @Test
  void bytesThatAreNotAnImageAreABadRowNotAFailedJob() throws Exception {
    Path dir = Files.createTempDirectory("images");
    Files.copy(fixture("images/image_0.png"), dir.resolve("good.png"));
    Files.writeString(dir.resolve("broken.png"), "not a png");
    Dataset<Row> images = spark.read().format("binaryFile").load(dir.toString());

    ScoreResult result = flatten(images, io.torchscore.config.ScoreSettings.OnError.NULL);
    List<Row> rows = result.scored().collectAsList();

    assertThat(rows).hasSize(2);
    for (Row row : rows) {
      boolean broken = row.<String>getAs("path").endsWith("broken.png");
      assertThat(row.isNullAt(row.fieldIndex("prediction"))).isEqualTo(broken);
      if (broken) {
        assertThat(row.<String>getAs("_error"))
            .startsWith("undecodable_image: column 'content' holds 9 bytes that are not a JPEG or PNG image");
      }
    }
    assertThat(result.metrics().badRowsByReason()).containsEntry("undecodable_image", 1L);
  }

  /** PIL refuses a JPEG cut short ("image file is truncated"); libjpeg only warns and fills it in gray. */
  @Test
  void aTruncatedJpegIsSkippedAsABadRowWhileTheWholeImagesAreScored() throws Exception {
    Path dir = Files.createTempDirectory("images");
    Files.copy(fixture("images/image_0.png"), dir.resolve("image_0.png"));
    Files.copy(fixture("images/image_1.jpg"), dir.resolve("image_1.jpg"));
    Files.copy(fixture("image_cases/truncated.jpg"), dir.resolve("truncated.jpg"));
    Dataset<Row> images = spark.read().format("binaryFile").load(dir.toString());

    ScoreResult result = flatten(images, io.torchscore.config.ScoreSettings.OnError.SKIP).persist();
    List<Row> scored = result.scored().collectAsList();
    List<Row> rejects = result.rejects().collectAsList();

    assertThat(scored)
        .extracting(row -> Path.of(row.<String>getAs("path")).getFileName().toString())
        .containsExactlyInAnyOrder("image_0.png", "image_1.jpg");
    for (Row row : scored) {
      assertThat(row.getList(row.fieldIndex("prediction"))).hasSize(3 * 56 * 56);
    }
    assertThat(rejects).hasSize(1);
    assertThat(rejects.get(0).<String>getAs("path")).endsWith("truncated.jpg");
    assertThat(rejects.get(0).<String>getAs("_error"))
        .startsWith("undecodable_image: column 'content' holds JPEG data that is truncated or corrupt (the decoder said: ")
        .contains("Corrupt JPEG data: premature end of data segment");
    assertThat(result.metrics().skipped()).isEqualTo(1);
    assertThat(result.metrics().badRowsByReason()).containsEntry("undecodable_image", 1L);
    result.unpersist();
  }

  /** Scores the images' {@code content} with the model that returns its input, on the small transforms. */
  private static ScoreResult flatten(Dataset<Row> images, io.torchscore.config.ScoreSettings.OnError onError) {
    return TorchScorer.builder()
        .modelPath(fixture("flatten.pt").toString())
        .featuresCol("content")
        .image(SMALL)
        .onError(onError)
        .build()
        .score(images);
  }
}
