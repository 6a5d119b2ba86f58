package io.torchscore.tensor;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;

/**
 * An image's 8-bit pixels as a decoder left them, read in place: pixel {@code (x, y)}'s red value
 * is {@code pixels[(y * width + x) * stride + red]}, and likewise green and blue.
 *
 * @param width pixels per row
 * @param height rows
 * @param pixels the samples, row after row, without padding
 * @param stride bytes per pixel
 * @param red the red sample's offset in a pixel
 * @param green the green sample's offset in a pixel
 * @param blue the blue sample's offset in a pixel
 */
public record DecodedImage(int width, int height, byte[] pixels, int stride, int red, int green, int blue) {

  /**
   * Returns a decoded {@link BufferedImage}'s pixels: in place where they are 8-bit RGB, BGR, ABGR
   * or gray samples (a gray value stands for all three channels, as PIL's {@code convert("RGB")}
   * does), else converted through {@link BufferedImage#getRGB} (alpha dropped, as PIL does).
   *
   * @param image a decoded image
   * @return its pixels
   */
  public static DecodedImage of(BufferedImage image) {
    int width = image.getWidth();
    int height = image.getHeight();
    Raster raster = image.getRaster();
    int type = image.getColorModel().getColorSpace().getType();
    if (type != ColorSpace.TYPE_RGB && type != ColorSpace.TYPE_GRAY
        || !(raster.getDataBuffer() instanceof DataBufferByte buffer)
        || buffer.getNumBanks() != 1
        || !(raster.getSampleModel() instanceof PixelInterleavedSampleModel model)
        || raster.getSampleModelTranslateX() != 0
        || raster.getSampleModelTranslateY() != 0
        || model.getScanlineStride() != width * model.getPixelStride()
        || buffer.getOffset() != 0) {
      return fromArgb(image);
    }
    int[] offsets = model.getBandOffsets();
    byte[] pixels = buffer.getData();
    if (type == ColorSpace.TYPE_GRAY && offsets.length == 1) {
      return new DecodedImage(width, height, pixels, model.getPixelStride(), offsets[0], offsets[0], offsets[0]);
    }
    if (type == ColorSpace.TYPE_RGB && offsets.length >= 3 && offsets.length <= 4) {
      return new DecodedImage(width, height, pixels, model.getPixelStride(), offsets[0], offsets[1], offsets[2]);
    }
    return fromArgb(image);
  }

  private static DecodedImage fromArgb(BufferedImage image) {
    int width = image.getWidth();
    int height = image.getHeight();
    int[] argb = image.getRGB(0, 0, width, height, null, 0, width);
    byte[] rgb = new byte[argb.length * 3];
    for (int i = 0; i < argb.length; i++) {
      rgb[3 * i] = (byte) (argb[i] >> 16);
      rgb[3 * i + 1] = (byte) (argb[i] >> 8);
      rgb[3 * i + 2] = (byte) argb[i];
    }
    return new DecodedImage(width, height, rgb, 3, 0, 1, 2);
  }
}
