package io.torchscore.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.torchscore.config.ImageSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each kind of image a binary column may hold, against PIL's {@code Image.open(file).convert("RGB")}
 * then torchvision's {@code Resize(16) → CenterCrop(12) → ToTensor()} of the same file
 * (src/test/python/make_image_cases.py): decoded within one 8-bit level per value, or refused as a
 * bad row saying what the file holds. Each JPEG is also read with the JDK's own reader, the one a
 * cluster has: in this JVM ImageIO's first JPEG reader is TwelveMonkeys' (a test dependency).
 */
class PilParityTest {

  // Mean 0 and std 1: the values are ToTensor()'s, an 8-bit level divided by 255.
  private static final ImageSettings TO_TENSOR =
      new ImageSettings(16, 12, new float[] {0f, 0f, 0f}, new float[] {1f, 1f, 1f});
  private static final Path CASES = Path.of("src/test/resources/fixtures/image_cases");
  // One 8-bit level, plus a level's own float rounding.
  private static final Offset<Float> ONE_LEVEL = within(1 / 255f + 1e-6f);
  private static final String CONVERT_TO_8_BITS = "a 16-bit image: convert it to 8 bits per channel";

  private static final Map<String, JsonNode> PIL = new HashMap<>();

  @BeforeAll
  static void readPilOutputs() throws Exception {
    ObjectMapper json = new ObjectMapper();
    for (String line : Files.readAllLines(Path.of("src/test/resources/fixtures/image_cases.jsonl"), StandardCharsets.UTF_8)) {
      JsonNode row = json.readTree(line);
      PIL.put(row.get("name").asText(), row);
    }
  }

  static Stream<Arguments> kindsPilDecodes() {
    return withDecoders(
        Stream.of(
            "rgb.jpg",
            "gray.jpg",
            "exif_rotated.jpg", // PIL's Image.open leaves the orientation tag unapplied
            "rgb.png",
            "gray.png",
            "gray_1bit.png",
            "gray_4bit.png",
            "palette.png",
            "palette_transparent.png",
            "rgba.png", // alpha dropped, not composited
            "la.png")
        .map(file -> new Object[] {file}));
  }

  @ParameterizedTest(name = "{0}: {2}")
  @MethodSource("kindsPilDecodes")
  void decodesAsPilDoes(String decoderName, Supplier<ImageDecoder> decoder, String file) throws Exception {
    float[] actual = new ImagePreprocessor(TO_TENSOR, decoder.get()).toChw(Files.readAllBytes(CASES.resolve(file)));

    JsonNode levels = PIL.get(file).get("levels");
    assertThat(actual).hasSize(levels.size());
    for (int i = 0; i < actual.length; i++) {
      assertThat(actual[i]).as("%s value %d", file, i).isCloseTo(levels.get(i).asInt() / 255f, ONE_LEVEL);
    }
  }

  static Stream<Arguments> refusedFiles() {
    return withDecoders(
        Stream.of(
            new Object[] {
              "truncated.jpg",
              "JPEG data that is truncated or corrupt (the decoder said: Truncated File - Missing EOI marker; Corrupt JPEG data: premature end of data segment)",
              true
            },
            new Object[] {
              "truncated.png",
              "PNG data that is truncated or corrupt (the decoder said: Error reading PNG image data; Unexpected end of ZLIB input stream)",
              true
            },
            new Object[] {"gray_16bit.png", CONVERT_TO_8_BITS, false},
            new Object[] {"rgb_16bit.png", CONVERT_TO_8_BITS, false},
            new Object[] {"cmyk.jpg", "a CMYK image: convert it to RGB", false}));
  }

  @ParameterizedTest(name = "{0}: {2}")
  @MethodSource("refusedFiles")
  void refusesSayingWhatTheFileHolds(
      String decoderName, Supplier<ImageDecoder> decoder, String file, String message, boolean pilRefusesToo)
      throws Exception {
    byte[] encoded = Files.readAllBytes(CASES.resolve(file));

    assertThatThrownBy(() -> new ImagePreprocessor(TO_TENSOR, decoder.get()).toChw(encoded))
        .isInstanceOf(UndecodableImageException.class)
        .hasMessage(message);
    assertThat(PIL.get(file).has("pil_error")).as("PIL refuses %s too", file).isEqualTo(pilRefusesToo);
  }

  /** Each case with ImageIO's first reader, and each JPEG case with the JDK's own JPEG reader too. */
  private static Stream<Arguments> withDecoders(Stream<Object[]> cases) {
    return cases.flatMap(
        args -> {
          String file = (String) args[0];
          Stream<Arguments> first = Stream.of(arguments("ImageIO's first reader", ImageIoDecoder::new, args));
          if (!file.endsWith(".jpg")) {
            return first;
          }
          Supplier<ImageDecoder> jdk = () -> new ReaderDecoder(ReaderDecoder.JDK_JPEG);
          return Stream.concat(first, Stream.of(arguments("the JDK's JPEG reader", jdk, args)));
        });
  }

  private static Arguments arguments(String decoderName, Supplier<ImageDecoder> decoder, Object[] args) {
    Object[] all = new Object[args.length + 2];
    all[0] = decoderName;
    all[1] = decoder;
    System.arraycopy(args, 0, all, 2, args.length);
    return Arguments.of(all);
  }
}
