package io.torchscore.notebooks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The tutorial MLP, Linear(10, 5) → ReLU → Linear(5, 1), computed by hand in doubles from the
 * parameters in its TorchScript archive. Its {@code data.pkl} stores them as float32 storages
 * {@code data/0} (fc1.weight, 5 x 10, row-major), {@code data/1} (fc1.bias, 5), {@code data/2}
 * (fc2.weight, 1 x 5) and {@code data/3} (fc2.bias, 1).
 */
record TutorialMlpByHand(float[] weight1, float[] bias1, float[] weight2, float bias2) {

  /** Reads the four storages of an archive saved by {@code torch.jit.save}. */
  static TutorialMlpByHand read(Path archive) throws IOException {
    try (ZipFile zip = new ZipFile(archive.toFile())) {
      float[][] storages = new float[4][];
      for (ZipEntry entry : Collections.list(zip.entries())) {
        for (int key = 0; key < 4; key++) {
          if (entry.getName().endsWith("/data/" + key)) {
            storages[key] = floats(zip, entry);
          }
        }
      }
      int[] sizes = {50, 5, 5, 1};
      for (int key = 0; key < 4; key++) {
        if (storages[key] == null || storages[key].length != sizes[key]) {
          throw new IllegalArgumentException(archive + " does not hold the tutorial MLP's 50 + 5 + 5 + 1 parameters");
        }
      }
      return new TutorialMlpByHand(storages[0], storages[1], storages[2], storages[3][0]);
    }
  }

  private static float[] floats(ZipFile zip, ZipEntry entry) throws IOException {
    try (InputStream in = zip.getInputStream(entry)) {
      ByteBuffer bytes = ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
      float[] values = new float[bytes.remaining() / Float.BYTES];
      bytes.asFloatBuffer().get(values);
      return values;
    }
  }

  /** Returns the model's output for 10 features. */
  double apply(List<Float> features) {
    double output = bias2;
    for (int j = 0; j < bias1.length; j++) {
      double hidden = bias1[j];
      for (int i = 0; i < features.size(); i++) {
        hidden += weight1[j * features.size() + i] * (double) features.get(i);
      }
      output += weight2[j] * Math.max(hidden, 0);
    }
    return output;
  }
}
