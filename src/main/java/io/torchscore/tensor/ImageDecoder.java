package io.torchscore.tensor;

/** Decodes the encoded bytes of one image (JPEG, PNG) to 8-bit pixels. */
public interface ImageDecoder {

  /**
   * Decodes one image.
   *
   * @param encoded the file's bytes
   * @return its pixels
   * @throws UndecodableImageException when the bytes are not a whole image this decoder reads, or
   *     one it refuses
   */
  DecodedImage decode(byte[] encoded) throws UndecodableImageException;
}
