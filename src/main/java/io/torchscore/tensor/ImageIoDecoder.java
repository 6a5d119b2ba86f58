package io.torchscore.tensor;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;

/**
 * Decodes with Java's ImageIO: the JDK's own readers, or a plugin registered for the format (the
 * TwelveMonkeys JPEG reader takes precedence over the JDK's when it is on the classpath).
 */
public final class ImageIoDecoder implements ImageDecoder {

  static {
    // Decode in memory: ImageIO's default disk cache writes every stream to a temp file.
    ImageIO.setUseCache(false);
  }

  @Override
  public DecodedImage decode(byte[] encoded) {
    BufferedImage image;
    try {
      image = ImageIO.read(new ByteArrayInputStream(encoded));
    } catch (IOException | RuntimeException e) {
      return null;
    }
    return image == null ? null : DecodedImage.of(image);
  }
}
