package io.torchscore.tensor;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
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
   * Returns a decoded {@link BufferedImage}'s pixels as PIL's {@code convert("RGB")} makes them: in
   * place where they are 8-bit RGB, BGR, ABGR or gray samples, with or without alpha (a gray value
   * stands for all three channels; alpha is dropped, not composited), else converted through
   * {@link BufferedImage#getRGB} (palettes and 1, 2 or 4-bit samples; alpha dropped likewise).
   *
   * @param image a decoded image
   * @return its pixels
   * @throws UndecodableImageException when its samples have more than 8 bits, or its colours are
   *     neither RGB nor gray
   */
  public static DecodedImage of(BufferedImage image) throws UndecodableImageException {
    checkSupported(image.getColorModel());
    int width = image.getWidth();
    int height = image.getHeight();
    Raster raster = image.getRaster();
    int type = image.getColorModel().getColorSpace().getType();
    if (!(raster.getDataBuffer() instanceof DataBufferByte buffer)
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
    if (type == ColorSpace.TYPE_GRAY && offsets.length <= 2) {
      return new DecodedImage(width, height, pixels, model.getPixelStride(), offsets[0], offsets[0], offsets[0]);
    }
    if (type == ColorSpace.TYPE_RGB && offsets.length >= 3 && offsets.length <= 4) {
      return new DecodedImage(width, height, pixels, model.getPixelStride(), offsets[0], offsets[1], offsets[2]);
    }
    return fromArgb(image);
  }

  /**
   * Refuses images whose conversion to 8-bit RGB would not be PIL's: samples of more than 8 bits
   * (PIL's {@code convert("RGB")} clips 16-bit gray at 255 but keeps the high byte of 16-bit
   * colour) and colours that are neither RGB nor gray (PIL turns CMYK into RGB with a formula of
   * its own, not a colour profile).
   *
   * @param model the image's colour model, decoded or as its header declares it
   * @throws UndecodableImageException naming the kind and the conversion that makes it scorable
   */
  static void checkSupported(ColorModel model) throws UndecodableImageException {
    for (int bits : model.getComponentSize()) {
      if (bits > 8) {
        throw new UndecodableImageException("a " + bits + "-bit image: convert it to 8 bits per channel");
      }
    }
    int type = model.getColorSpace().getType();
    if (type != ColorSpace.TYPE_RGB && type != ColorSpace.TYPE_GRAY) {
      throw new UndecodableImageException(
          (type == ColorSpace.TYPE_CMYK ? "a CMYK" : "a non-RGB") + " image: convert it to RGB");
    }
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
