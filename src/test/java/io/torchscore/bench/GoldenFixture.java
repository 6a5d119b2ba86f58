package io.torchscore.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A golden fixture of make_fixtures.py: rows of a {@code features} array and PyTorch's own output
 * for them ({@code expected}: a number or an array). Read without a JSON library, since the GPU
 * kit carries none; the lines are the simple, flat objects that script writes.
 *
 * @param name the fixture's name, e.g. {@code tutorial_mlp}
 * @param model the TorchScript file
 * @param features each row's features
 * @param expected each row's expected outputs (one value for a scalar output)
 */
record GoldenFixture(String name, Path model, float[][] features, double[][] expected) {

  private static final Pattern FEATURES = Pattern.compile("\"features\": \\[([^\\]]*)\\]");
  private static final Pattern EXPECTED = Pattern.compile("\"expected\": (\\[[^\\]]*\\]|[-+0-9.eE]+)");

  /** Reads {@code <name>.jsonl} and names {@code <name>.pt} in the fixtures folder. */
  static GoldenFixture read(Path fixtures, String name) throws IOException {
    List<float[]> features = new ArrayList<>();
    List<double[]> expected = new ArrayList<>();
    for (String line : Files.readAllLines(fixtures.resolve(name + ".jsonl"), StandardCharsets.UTF_8)) {
      double[] row = numbers(find(FEATURES, line, name));
      float[] floats = new float[row.length];
      for (int i = 0; i < row.length; i++) {
        floats[i] = (float) row[i];
      }
      features.add(floats);
      expected.add(numbers(find(EXPECTED, line, name)));
    }
    return new GoldenFixture(
        name, fixtures.resolve(name + ".pt"), features.toArray(float[][]::new), expected.toArray(double[][]::new));
  }

  /** Returns the number of features per row. */
  int width() {
    return features[0].length;
  }

  private static String find(Pattern pattern, String line, String name) {
    Matcher matcher = pattern.matcher(line);
    if (!matcher.find()) {
      throw new IllegalArgumentException("Cannot read fixture " + name + ": no " + pattern + " in " + line);
    }
    return matcher.group(1);
  }

  private static double[] numbers(String text) {
    String list = text.startsWith("[") ? text.substring(1, text.length() - 1) : text;
    return Arrays.stream(list.split(",")).map(String::trim).mapToDouble(Double::parseDouble).toArray();
  }
}
