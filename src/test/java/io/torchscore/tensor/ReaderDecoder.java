package io.torchscore.tensor;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes with one named ImageIO reader, whatever the registry's order: the JDK's own JPEG reader
 * ({@link #JDK_JPEG}) or TwelveMonkeys' ({@link #TWELVEMONKEYS_JPEG}), side by side in one JVM,
 * each read as {@link ImageIoDecoder} reads (warnings and refused kinds are undecodable).
 */
public final class ReaderDecoder implements ImageDecoder {

  /** The JDK's JPEG reader (IJG libjpeg 6b, in libjavajpeg). */
  public static final String JDK_JPEG = "com.sun.imageio.plugins.jpeg.JPEGImageReaderSpi";

  /** TwelveMonkeys' JPEG reader (com.twelvemonkeys.imageio:imageio-jpeg). */
  public static final String TWELVEMONKEYS_JPEG = "com.twelvemonkeys.imageio.plugins.jpeg.JPEGImageReaderSpi";

  static {
    ImageIO.setUseCache(false);
  }

  private final ImageReaderSpi provider;

  /**
   * Creates a decoder with the registered reader of this provider class.
   *
   * @param providerClass the reader's {@link ImageReaderSpi} class name
   * @throws IllegalArgumentException when no such reader is registered
   */
  public ReaderDecoder(String providerClass) {
    ImageReaderSpi found = null;
    Iterator<ImageReaderSpi> providers =
        IIORegistry.getDefaultInstance().getServiceProviders(ImageReaderSpi.class, true);
    while (providers.hasNext()) {
      ImageReaderSpi candidate = providers.next();
      if (candidate.getClass().getName().equals(providerClass)) {
        found = candidate;
      }
    }
    if (found == null) {
      throw new IllegalArgumentException("Cannot decode with " + providerClass + ": no such ImageIO reader is registered");
    }
    this.provider = found;
  }

  @Override
  public DecodedImage decode(byte[] encoded) throws UndecodableImageException {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(encoded))) {
      return ImageIoDecoder.read(provider.createReaderInstance(), in);
    } catch (IOException e) {
      // Creating a reader or an in-memory stream: not the bytes' fault.
      throw new UncheckedIOException(e);
    }
  }
}
