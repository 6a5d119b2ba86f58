package io.torchscore.tensor;

import io.torchscore.config.ImageSettings;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Turns encoded image bytes into a normalised {@code [3, crop, crop]} float tensor the way
 * torchvision does for a PIL image: {@code Resize(resize)} (shorter side, bilinear with PIL's
 * antialiasing), {@code CenterCrop(crop)}, {@code ToTensor()}, {@code Normalize(mean, std)}.
 *
 * <p>Resizing follows PIL's two-pass resampling on 8-bit channels (horizontal pass, rounded to
 * bytes, then vertical), so results match torchvision to within a unit of rounding; JPEG
 * decoders differ slightly, so decoded JPEG pixels can differ by a few levels.
 */
public final class ImagePreprocessor {

  private final ImageSettings settings;

  /**
   * Creates a preprocessor.
   *
   * @param settings the resize, crop, mean and std
   */
  public ImagePreprocessor(ImageSettings settings) {
    this.settings = settings;
  }

  /**
   * Returns the pixels an encoded image declares in its header, read without decoding it: a tiny
   * file may declare 50,000 x 50,000 pixels (a decompression bomb).
   *
   * @param encoded JPEG or PNG bytes
   * @return width x height, or -1 when no decoder reads the header
   */
  public static long declaredPixels(byte[] encoded) {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(encoded))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        return -1;
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        return (long) reader.getWidth(0) * reader.getHeight(0);
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * Decodes and preprocesses one image.
   *
   * @param encoded JPEG or PNG bytes
   * @return {@code 3 * crop * crop} floats, channel-major (RGB), or null when the bytes are not an
   *     image Java can decode
   */
  public float[] toChw(byte[] encoded) {
    BufferedImage image;
    try {
      image = ImageIO.read(new ByteArrayInputStream(encoded));
    } catch (IOException | RuntimeException e) {
      return null;
    }
    if (image == null) {
      return null;
    }
    int width = image.getWidth();
    int height = image.getHeight();
    int[] argb = image.getRGB(0, 0, width, height, null, 0, width);
    int[][] channels = new int[3][width * height];
    for (int i = 0; i < argb.length; i++) {
      channels[0][i] = (argb[i] >> 16) & 0xff;
      channels[1][i] = (argb[i] >> 8) & 0xff;
      channels[2][i] = argb[i] & 0xff;
    }
    // torchvision: the shorter side becomes `resize`, the longer keeps the aspect ratio (truncated).
    int outWidth;
    int outHeight;
    if (width <= height) {
      outWidth = settings.resize();
      outHeight = (int) ((long) settings.resize() * height / width);
    } else {
      outHeight = settings.resize();
      outWidth = (int) ((long) settings.resize() * width / height);
    }
    int crop = settings.crop();
    int top = (int) Math.rint((outHeight - crop) / 2.0);
    int left = (int) Math.rint((outWidth - crop) / 2.0);
    float[] chw = new float[3 * crop * crop];
    for (int c = 0; c < 3; c++) {
      int[] horizontal = resampleRows(channels[c], width, height, outWidth);
      int[] resized = resampleColumns(horizontal, outWidth, height, outHeight);
      float mean = settings.mean()[c];
      float std = settings.std()[c];
      for (int y = 0; y < crop; y++) {
        for (int x = 0; x < crop; x++) {
          float value = resized[(top + y) * outWidth + left + x] / 255f;
          chw[(c * crop + y) * crop + x] = (value - mean) / std;
        }
      }
    }
    return chw;
  }

  private static int[] resampleRows(int[] in, int width, int height, int outWidth) {
    if (outWidth == width) {
      return in;
    }
    Kernel kernel = new Kernel(width, outWidth);
    int[] out = new int[outWidth * height];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < outWidth; x++) {
        double sum = 0;
        for (int k = 0; k < kernel.size[x]; k++) {
          sum += in[y * width + kernel.start[x] + k] * kernel.weights[x][k];
        }
        out[y * outWidth + x] = clip(sum);
      }
    }
    return out;
  }

  private static int[] resampleColumns(int[] in, int width, int height, int outHeight) {
    if (outHeight == height) {
      return in;
    }
    Kernel kernel = new Kernel(height, outHeight);
    int[] out = new int[width * outHeight];
    for (int y = 0; y < outHeight; y++) {
      for (int x = 0; x < width; x++) {
        double sum = 0;
        for (int k = 0; k < kernel.size[y]; k++) {
          sum += in[(kernel.start[y] + k) * width + x] * kernel.weights[y][k];
        }
        out[y * width + x] = clip(sum);
      }
    }
    return out;
  }

  private static int clip(double value) {
    long rounded = Math.round(value);
    return (int) Math.max(0, Math.min(255, rounded));
  }

  /** PIL's bilinear (triangle) filter, widened by the scale when shrinking (antialiasing). */
  private static final class Kernel {
    final int[] start;
    final int[] size;
    final double[][] weights;

    Kernel(int inSize, int outSize) {
      double scale = (double) inSize / outSize;
      double filterScale = Math.max(scale, 1.0);
      double support = filterScale;
      start = new int[outSize];
      size = new int[outSize];
      weights = new double[outSize][];
      for (int i = 0; i < outSize; i++) {
        double center = (i + 0.5) * scale;
        int min = Math.max((int) (center - support + 0.5), 0);
        int max = Math.min((int) (center + support + 0.5), inSize);
        double[] w = new double[max - min];
        double total = 0;
        for (int k = 0; k < w.length; k++) {
          double distance = Math.abs((k + min - center + 0.5) / filterScale);
          w[k] = distance < 1.0 ? 1.0 - distance : 0.0;
          total += w[k];
        }
        for (int k = 0; k < w.length; k++) {
          w[k] = total == 0 ? 0 : w[k] / total;
        }
        start[i] = min;
        size[i] = w.length;
        weights[i] = w;
      }
    }
  }
}
