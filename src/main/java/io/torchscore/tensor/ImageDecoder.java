package io.torchscore.tensor;

/** Decodes the encoded bytes of one image (JPEG, PNG) to 8-bit pixels. */
public interface ImageDecoder {

  /**
   * Decodes one image.
   *
   * @param encoded the file's bytes
   * @return its pixels, or null when the bytes are not an image this decoder reads
   */
  DecodedImage decode(byte[] encoded);
}
