package io.torchscore.tensor;

import io.torchscore.config.ImageSettings;
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
 * <p>Resizing is PIL's own 8-bit arithmetic (Resample.c: the same filter weights, rounded to 22
 * fractional bits, a horizontal pass rounded to bytes, then a vertical one), so the same decoded
 * pixels give the same bytes as PIL. Only the pixels inside the crop are computed. JPEG decoders
 * differ slightly, so decoded JPEG pixels can differ from PIL's (libjpeg-turbo) by a few levels.
 */
public final class ImagePreprocessor {

  // PIL's PRECISION_BITS for 8-bit resampling.
  private static final int PRECISION_BITS = 32 - 8 - 2;
  private static final int HALF = 1 << (PRECISION_BITS - 1);

  static {
    // Read headers in memory: ImageIO's default disk cache writes every stream to a temp file.
    ImageIO.setUseCache(false);
  }

  private final ImageSettings settings;
  private final ImageDecoder decoder;
  private final float[][] normalised = new float[3][256];

  /**
   * Creates a preprocessor that decodes with Java's ImageIO.
   *
   * @param settings the resize, crop, mean and std
   */
  public ImagePreprocessor(ImageSettings settings) {
    this(settings, new ImageIoDecoder());
  }

  /**
   * Creates a preprocessor with a given decoder.
   *
   * @param settings the resize, crop, mean and std
   * @param decoder turns the bytes into pixels
   */
  public ImagePreprocessor(ImageSettings settings, ImageDecoder decoder) {
    this.settings = settings;
    this.decoder = decoder;
    for (int c = 0; c < 3; c++) {
      for (int level = 0; level < 256; level++) {
        // The same float32 operations as ToTensor() then Normalize().
        float value = level / 255f;
        normalised[c][level] = (value - settings.mean()[c]) / settings.std()[c];
      }
    }
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
   * @return {@code 3 * crop * crop} floats, channel-major (RGB)
   * @throws UndecodableImageException when the decoder does not read the bytes as a whole image,
   *     or refuses its kind
   */
  public float[] toChw(byte[] encoded) throws UndecodableImageException {
    return toChw(decoder.decode(encoded));
  }

  /**
   * Preprocesses decoded pixels.
   *
   * @param image the pixels
   * @return {@code 3 * crop * crop} floats, channel-major (RGB)
   */
  public float[] toChw(DecodedImage image) {
    int width = image.width();
    int height = image.height();
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
    // CenterCrop rounds half to even, as Python's round() does.
    int top = (int) Math.rint((outHeight - crop) / 2.0);
    int left = (int) Math.rint((outWidth - crop) / 2.0);
    Weights columns = new Weights(width, outWidth, left, crop);
    Weights rows = new Weights(height, outHeight, top, crop);
    int firstRow = rows.start[0];
    int lastRow = rows.start[crop - 1] + rows.size[crop - 1];
    byte[] horizontal = resampleRows(image, columns, firstRow, lastRow);
    return resampleColumns(horizontal, rows, firstRow, crop);
  }

  /** PIL's horizontal pass over the rows the vertical pass needs: crop x (lastRow - firstRow) x RGB bytes. */
  private static byte[] resampleRows(DecodedImage image, Weights columns, int firstRow, int lastRow) {
    byte[] pixels = image.pixels();
    int stride = image.stride();
    int red = image.red();
    int green = image.green();
    int blue = image.blue();
    int crop = columns.start.length;
    byte[] out = new byte[(lastRow - firstRow) * crop * 3];
    int o = 0;
    for (int y = firstRow; y < lastRow; y++) {
      int rowStart = y * image.width();
      for (int x = 0; x < crop; x++) {
        int r = HALF;
        int g = HALF;
        int b = HALF;
        int p = (rowStart + columns.start[x]) * stride;
        int w = x * columns.ksize;
        for (int k = 0; k < columns.size[x]; k++, p += stride) {
          int weight = columns.weights[w + k];
          r += (pixels[p + red] & 0xff) * weight;
          g += (pixels[p + green] & 0xff) * weight;
          b += (pixels[p + blue] & 0xff) * weight;
        }
        out[o++] = (byte) clip8(r);
        out[o++] = (byte) clip8(g);
        out[o++] = (byte) clip8(b);
      }
    }
    return out;
  }

  /** PIL's vertical pass over the crop, normalised into channel-major floats. */
  private float[] resampleColumns(byte[] in, Weights rows, int firstRow, int crop) {
    float[] chw = new float[3 * crop * crop];
    int plane = crop * crop;
    int rowBytes = crop * 3;
    for (int y = 0; y < crop; y++) {
      int w = y * rows.ksize;
      int base = (rows.start[y] - firstRow) * rowBytes;
      for (int x = 0; x < crop; x++) {
        int r = HALF;
        int g = HALF;
        int b = HALF;
        int p = base + x * 3;
        for (int k = 0; k < rows.size[y]; k++, p += rowBytes) {
          int weight = rows.weights[w + k];
          r += (in[p] & 0xff) * weight;
          g += (in[p + 1] & 0xff) * weight;
          b += (in[p + 2] & 0xff) * weight;
        }
        int i = y * crop + x;
        chw[i] = normalised[0][clip8(r)];
        chw[plane + i] = normalised[1][clip8(g)];
        chw[2 * plane + i] = normalised[2][clip8(b)];
      }
    }
    return chw;
  }

  private static int clip8(int sum) {
    if (sum >= 1 << PRECISION_BITS << 8) {
      return 255;
    }
    return sum <= 0 ? 0 : sum >> PRECISION_BITS;
  }

  /**
   * PIL's bilinear (triangle) filter for outputs {@code first .. first + count - 1} of an axis
   * resized from {@code inSize} to {@code outSize}, widened by the scale when shrinking
   * (antialiasing), normalised, then rounded to fixed point (precompute_coeffs and
   * normalize_coeffs_8bpc).
   */
  private static final class Weights {
    final int[] start;
    final int[] size;
    final int[] weights;
    final int ksize;

    Weights(int inSize, int outSize, int first, int count) {
      double scale = (double) inSize / outSize;
      double filterScale = Math.max(scale, 1.0);
      double support = filterScale;
      ksize = (int) Math.ceil(support) * 2 + 1;
      start = new int[count];
      size = new int[count];
      weights = new int[count * ksize];
      double[] w = new double[ksize];
      for (int i = 0; i < count; i++) {
        double center = (first + i + 0.5) * scale;
        int min = Math.max((int) (center - support + 0.5), 0);
        int max = Math.min((int) (center + support + 0.5), inSize) - min;
        double total = 0;
        for (int k = 0; k < max; k++) {
          double distance = Math.abs((k + min - center + 0.5) * (1.0 / filterScale));
          w[k] = distance < 1.0 ? 1.0 - distance : 0.0;
          total += w[k];
        }
        for (int k = 0; k < max; k++) {
          double normalised = total == 0 ? w[k] : w[k] / total;
          weights[i * ksize + k] = (int) (0.5 + normalised * (1 << PRECISION_BITS));
        }
        start[i] = min;
        size[i] = max;
      }
    }
  }
}
