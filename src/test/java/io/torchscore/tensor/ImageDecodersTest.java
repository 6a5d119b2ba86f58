package io.torchscore.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.torchscore.config.ImageSettings;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each JPEG decoder the benchmark weighs, and the product's preprocessing, against torchvision's
 * {@code Resize(64) → CenterCrop(56) → ToTensor → Normalize(ImageNet)} of the same files (PIL with
 * libjpeg-turbo; src/test/python/make_fixtures.py), within ImageInputTest's bounds: a JPEG value
 * at most 0.1 off and 0.01 on average (decoders may differ by a few 8-bit levels); a PNG exact to
 * float rounding, since the resize is PIL's own fixed-point arithmetic.
 */
class ImageDecodersTest {

  private static final ImageSettings SMALL =
      new ImageSettings(64, 56, new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});
  private static final Path IMAGES = Path.of("src/test/resources/fixtures/images");

  private static final Map<String, float[]> EXPECTED = new LinkedHashMap<>();

  @BeforeAll
  static void readTorchvisionOutputs() throws Exception {
    ObjectMapper json = new ObjectMapper();
    for (String line : Files.readAllLines(Path.of("src/test/resources/fixtures/images.jsonl"), StandardCharsets.UTF_8)) {
      JsonNode row = json.readTree(line);
      JsonNode values = row.get("expected");
      float[] expected = new float[values.size()];
      for (int i = 0; i < expected.length; i++) {
        expected[i] = (float) values.get(i).asDouble();
      }
      EXPECTED.put(row.get("name").asText(), expected);
    }
  }

  static Stream<Arguments> jpegDecoders() {
    Map<String, Supplier<ImageDecoder>> decoders = new LinkedHashMap<>();
    decoders.put("ImageIO, first registered reader (the product's path)", ImageIoDecoder::new);
    decoders.put("the JDK's JPEG reader", () -> new ReaderDecoder(ReaderDecoder.JDK_JPEG));
    decoders.put("TwelveMonkeys", () -> new ReaderDecoder(ReaderDecoder.TWELVEMONKEYS_JPEG));
    decoders.put("OpenCV", () -> new OpenCvDecoder(1));
    return decoders.entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jpegDecoders")
  void jpegsMatchTorchvisionWithinTheBounds(String name, Supplier<ImageDecoder> decoder) throws Exception {
    ImagePreprocessor preprocessor = new ImagePreprocessor(SMALL, decoder.get());
    for (String file : List.of("image_1.jpg", "image_3.jpg")) {
      float[] actual = preprocessor.toChw(Files.readAllBytes(IMAGES.resolve(file)));

      assertThat(actual).as(file).isNotNull().hasSize(3 * 56 * 56);
      assertThat(maxDifference(actual, EXPECTED.get(file))).as("%s: %s max difference", name, file).isLessThanOrEqualTo(0.1);
      assertThat(meanDifference(actual, EXPECTED.get(file))).as("%s: %s mean difference", name, file).isLessThanOrEqualTo(0.01);
    }
  }

  @Test
  void pngsMatchTorchvisionToFloatRounding() throws Exception {
    ImagePreprocessor preprocessor = new ImagePreprocessor(SMALL);
    for (String file : List.of("image_0.png", "image_2.png")) {
      float[] actual = preprocessor.toChw(Files.readAllBytes(IMAGES.resolve(file)));

      assertThat(maxDifference(actual, EXPECTED.get(file))).as(file).isLessThanOrEqualTo(1e-6);
    }
  }

  /** PIL's convert("RGB") copies a gray level to the three channels (no gamma conversion). */
  @Test
  void aGrayImageIsItsLevelOnEveryChannel() throws Exception {
    BufferedImage gray = new BufferedImage(80, 60, BufferedImage.TYPE_BYTE_GRAY);
    Graphics2D g = gray.createGraphics();
    g.setColor(new Color(100, 100, 100));
    g.fillRect(0, 0, 80, 60);
    g.dispose();
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(gray, "png", png);

    float[] actual = new ImagePreprocessor(SMALL).toChw(png.toByteArray());

    for (int c = 0; c < 3; c++) {
      float expected = (100 / 255f - SMALL.mean()[c]) / SMALL.std()[c];
      for (int i = 0; i < 56 * 56; i++) {
        assertThat(actual[c * 56 * 56 + i]).isEqualTo(expected);
      }
    }
  }

  /**
   * Why the decoders do not resize: libjpeg's DCT scaling (half size, then the same resize) is far
   * outside the bounds, because its 2 x 2 box average is not PIL's triangle filter.
   */
  @Test
  void resizingInTheDecoderBreaksTheBounds() throws Exception {
    byte[] jpeg = Files.readAllBytes(IMAGES.resolve("image_3.jpg"));
    DecodedImage half = new OpenCvDecoder(2).decode(jpeg);

    // 201 x 157 px: half is 101 x 79, still above the resize to 64.
    assertThat(half.height()).isEqualTo(79);
    float[] actual = new ImagePreprocessor(SMALL).toChw(half);
    assertThat(maxDifference(actual, EXPECTED.get("image_3.jpg"))).isGreaterThan(0.1);
  }

  private static double maxDifference(float[] actual, float[] expected) {
    assertThat(actual).hasSameSizeAs(expected);
    double max = 0;
    for (int i = 0; i < actual.length; i++) {
      max = Math.max(max, Math.abs(actual[i] - expected[i]));
    }
    return max;
  }

  private static double meanDifference(float[] actual, float[] expected) {
    double sum = 0;
    for (int i = 0; i < actual.length; i++) {
      sum += Math.abs(actual[i] - expected[i]);
    }
    return sum / actual.length;
  }
}
