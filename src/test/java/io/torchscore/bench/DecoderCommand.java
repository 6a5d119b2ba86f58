package io.torchscore.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.torchscore.config.ImageSettings;
import io.torchscore.tensor.DecodedImage;
import io.torchscore.tensor.ImageDecoder;
import io.torchscore.tensor.ImagePreprocessor;
import io.torchscore.tensor.OpenCvDecoder;
import io.torchscore.tensor.ReaderDecoder;
import io.torchscore.tensor.UndecodableImageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The JPEG decoders side by side in one JVM, on one thread, over the same files: the JDK's ImageIO
 * reader (the product's), TwelveMonkeys' and OpenCV's {@code imdecode}. Times decoding alone and
 * decoding plus the product's preprocessing (resize 256, crop 224, normalise), in interleaved
 * rounds (the median is reported, so a busy neighbour skews no decoder alone), and measures each
 * one's preprocessed output against torchvision's of the same files. libjpeg's DCT scaling
 * (OpenCV's {@code IMREAD_REDUCED_COLOR_2}, on files at least twice the resize) is measured for
 * accuracy only.
 */
@Command(name = "decoders", description = "Times and checks the JPEG decoders on the same files.")
final class DecoderCommand implements Callable<Integer> {

  @Option(names = "--images", required = true, description = "The folder of JPEG files (sorted by name).")
  private Path images;

  @Option(names = "--count", defaultValue = "128", description = "Files timed.")
  private int count;

  @Option(names = "--rounds", defaultValue = "3", description = "Timed rounds per decoder (interleaved).")
  private int rounds;

  @Option(names = "--torchvision", required = true,
      description = "torchvision's preprocessing of the first files, float32 [n, 3, 224, 224] (make_jpegs.py).")
  private Path torchvision;

  @Option(names = "--out", required = true, description = "The JSON file to write.")
  private Path out;

  @Option(names = "--summary", required = true, description = "A file for a one-line summary (a report note).")
  private Path summary;

  @Override
  public Integer call() throws IOException, UndecodableImageException {
    List<byte[]> files = new ArrayList<>();
    try (Stream<Path> list = Files.list(images)) {
      for (Path file : list.sorted().limit(count).toList()) {
        files.add(Files.readAllBytes(file));
      }
    }
    ImageSettings settings = ImageSettings.defaults();
    Map<String, ImageDecoder> decoders = new LinkedHashMap<>();
    decoders.put("imageio", new ReaderDecoder(ReaderDecoder.JDK_JPEG));
    decoders.put("twelvemonkeys", new ReaderDecoder(ReaderDecoder.TWELVEMONKEYS_JPEG));
    decoders.put("opencv", new OpenCvDecoder(1));
    Map<String, List<Double>> decodeRates = new LinkedHashMap<>();
    Map<String, List<Double>> preprocessRates = new LinkedHashMap<>();
    // One unmeasured round: JIT, native libraries.
    for (int round = 0; round <= rounds; round++) {
      for (Map.Entry<String, ImageDecoder> decoder : decoders.entrySet()) {
        ImagePreprocessor preprocessor = new ImagePreprocessor(settings, decoder.getValue());
        long start = System.nanoTime();
        for (byte[] file : files) {
          decoder.getValue().decode(file);
        }
        double decodeSeconds = (System.nanoTime() - start) / 1e9;
        start = System.nanoTime();
        for (byte[] file : files) {
          preprocessor.toChw(file);
        }
        double preprocessSeconds = (System.nanoTime() - start) / 1e9;
        if (round > 0) {
          decodeRates.computeIfAbsent(decoder.getKey(), k -> new ArrayList<>()).add(files.size() / decodeSeconds);
          preprocessRates.computeIfAbsent(decoder.getKey(), k -> new ArrayList<>()).add(files.size() / preprocessSeconds);
        }
      }
    }
    decoders.put("opencv-dct-half", new HalvingDecoder(settings.resize()));
    float[][] truth = readTruth(settings.crop());
    List<Map<String, Object>> rows = new ArrayList<>();
    double base = median(preprocessRates.get("imageio"));
    StringBuilder line =
        new StringBuilder("JPEG decode+preprocess, 1 thread, " + files.size() + " files, images/s (median of " + rounds + "):");
    for (Map.Entry<String, ImageDecoder> decoder : decoders.entrySet()) {
      String name = decoder.getKey();
      ImagePreprocessor preprocessor = new ImagePreprocessor(settings, decoder.getValue());
      double max = 0;
      double sum = 0;
      long values = 0;
      for (int i = 0; i < truth.length; i++) {
        float[] actual = preprocessor.toChw(files.get(i));
        for (int j = 0; j < actual.length; j++) {
          double difference = Math.abs(actual[j] - truth[i][j]);
          max = Math.max(max, difference);
          sum += difference;
        }
        values += actual.length;
      }
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("decoder", name);
      row.put("images", files.size());
      if (preprocessRates.containsKey(name)) {
        double rate = median(preprocessRates.get(name));
        row.put("decode_images_per_s", round(median(decodeRates.get(name))));
        row.put("decode_preprocess_images_per_s", round(rate));
        row.put("decode_preprocess_best_images_per_s", round(Collections.max(preprocessRates.get(name))));
        row.put("ratio_to_imageio", Math.round(rate / base * 100) / 100.0);
        line.append(String.format(" %s %.1f (%.2f x, max diff %.4f);", name, rate, rate / base, max));
      } else {
        line.append(String.format(" %s: max diff %.4f (accuracy only);", name, max));
      }
      row.put("max_abs_diff_vs_torchvision", max);
      row.put("mean_abs_diff_vs_torchvision", sum / values);
      row.put("accuracy_images", truth.length);
      rows.add(row);
      System.out.printf(
          "bench: decoder %-15s decode %8s img/s, decode+preprocess %8s img/s; vs torchvision on %d images: max %.4f mean %.5f%n",
          name, row.getOrDefault("decode_images_per_s", "-"), row.getOrDefault("decode_preprocess_images_per_s", "-"),
          truth.length, max, sum / values);
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("decoders", rows);
    result.put("opencv_jpeg_build", OpenCvDecoder.jpegBuild());
    result.put("machine", Machine.describe());
    new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(out.toFile(), result);
    line.append(" max diff = largest |difference| from torchvision's preprocessing on the first ")
        .append(truth.length).append(" files (").append(out.getFileName()).append("); OpenCV's ")
        .append(OpenCvDecoder.jpegBuild());
    Files.writeString(summary, line.toString());
    return 0;
  }

  private float[][] readTruth(int crop) throws IOException {
    ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(torchvision)).order(ByteOrder.LITTLE_ENDIAN);
    FloatBuffer floats = bytes.asFloatBuffer();
    int width = 3 * crop * crop;
    float[][] truth = new float[floats.remaining() / width][width];
    for (float[] image : truth) {
      floats.get(image);
    }
    return truth;
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }

  private static double round(double value) {
    return Math.round(value * 10) / 10.0;
  }

  /** OpenCV at half size (DCT scaling) where the half still covers the resize, else full size. */
  private static final class HalvingDecoder implements ImageDecoder {
    private final int resize;
    private final OpenCvDecoder half = new OpenCvDecoder(2);
    private final OpenCvDecoder full = new OpenCvDecoder(1);

    HalvingDecoder(int resize) {
      this.resize = resize;
    }

    @Override
    public DecodedImage decode(byte[] encoded) throws UndecodableImageException {
      DecodedImage image = half.decode(encoded);
      return Math.min(image.width(), image.height()) >= resize ? image : full.decode(encoded);
    }
  }
}
