package io.torchscore.tensor;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes with Java's ImageIO: the JDK's own readers, or a plugin registered for the format (the
 * TwelveMonkeys JPEG reader takes precedence over the JDK's when it is on the classpath).
 *
 * <p>An image is decoded whole or not at all, as PIL decodes it: libjpeg reports truncated or
 * corrupt data as warnings and fills in what is missing, so any warning makes the image
 * undecodable, as does any error. Kinds whose pixels would not be PIL's {@code convert("RGB")} are
 * refused: 16-bit samples, CMYK.
 */
public final class ImageIoDecoder implements ImageDecoder {

  static {
    // Decode in memory: ImageIO's default disk cache writes every stream to a temp file.
    ImageIO.setUseCache(false);
  }

  @Override
  public DecodedImage decode(byte[] encoded) throws UndecodableImageException {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(encoded))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new UndecodableImageException(encoded.length + " bytes that are not a JPEG or PNG image");
      }
      return read(readers.next(), in);
    } catch (IOException e) {
      throw unreadable("image", List.of(), e);
    }
  }

  /**
   * Reads the first image of a stream with one reader, and disposes of the reader.
   *
   * @param reader a reader for the stream's format
   * @param in the encoded image
   * @return its pixels
   * @throws UndecodableImageException when the reader fails or warns, or the image is of a kind
   *     {@link DecodedImage#of} refuses
   */
  static DecodedImage read(ImageReader reader, ImageInputStream in) throws UndecodableImageException {
    String format = reader.getOriginatingProvider().getFormatNames()[0].toUpperCase(Locale.ROOT);
    List<String> warnings = new ArrayList<>();
    reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
    try {
      reader.setInput(in, true, true);
      // Refused before decoding where the header tells: a reader that converts (TwelveMonkeys
      // turns CMYK into RGB) would hide the kind afterwards.
      ImageTypeSpecifier raw = reader.getRawImageType(0);
      if (raw != null) {
        DecodedImage.checkSupported(raw.getColorModel());
      }
      BufferedImage image = reader.read(0);
      if (!warnings.isEmpty()) {
        throw unreadable(format, warnings, null);
      }
      return DecodedImage.of(image);
    } catch (IOException | RuntimeException e) {
      throw unreadable(format, warnings, e);
    } finally {
      reader.dispose();
    }
  }

  private static UndecodableImageException unreadable(String format, List<String> warnings, Throwable error) {
    Set<String> said = new LinkedHashSet<>(warnings);
    for (Throwable e = error; e != null; e = e.getCause()) {
      said.add(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }
    return new UndecodableImageException(
        format + " data that is truncated or corrupt (the decoder said: " + String.join("; ", said) + ")");
  }
}
