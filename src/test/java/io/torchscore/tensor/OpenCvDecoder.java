package io.torchscore.tensor;

import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.imgcodecs.Imgcodecs;

/**
 * Decodes with OpenCV's {@code imdecode} (org.openpnp:opencv: a static OpenCV with its own
 * libjpeg-turbo). {@code nu.pattern.OpenCV.loadLocally()} copies the library for this platform
 * out of the jar into a fresh temporary folder and {@code System.load}s it: no network, no
 * {@code java.library.path}; it throws where the jar has no library for the platform.
 */
public final class OpenCvDecoder implements ImageDecoder {

  private static final int COLOR = Imgcodecs.IMREAD_COLOR | Imgcodecs.IMREAD_IGNORE_ORIENTATION;

  static {
    nu.pattern.OpenCV.loadLocally();
  }

  private final int flags;

  /**
   * Creates a decoder.
   *
   * @param reducedBy 1 for full size; 2, 4 or 8 to let libjpeg scale JPEGs down in the DCT
   *     ({@code IMREAD_REDUCED_COLOR_2} etc.)
   */
  public OpenCvDecoder(int reducedBy) {
    switch (reducedBy) {
      case 1 -> flags = COLOR;
      case 2 -> flags = Imgcodecs.IMREAD_REDUCED_COLOR_2 | Imgcodecs.IMREAD_IGNORE_ORIENTATION;
      case 4 -> flags = Imgcodecs.IMREAD_REDUCED_COLOR_4 | Imgcodecs.IMREAD_IGNORE_ORIENTATION;
      case 8 -> flags = Imgcodecs.IMREAD_REDUCED_COLOR_8 | Imgcodecs.IMREAD_IGNORE_ORIENTATION;
      default -> throw new IllegalArgumentException("reducedBy: 1, 2, 4 or 8; got " + reducedBy);
    }
  }

  /**
   * Returns the OpenCV build's JPEG lines (library, version, SIMD) from its build information.
   *
   * @return the lines, joined with "; "
   */
  public static String jpegBuild() {
    StringBuilder lines = new StringBuilder();
    boolean inJpeg = false;
    for (String line : org.opencv.core.Core.getBuildInformation().split("\n")) {
      String trimmed = line.trim();
      if (trimmed.startsWith("JPEG:")) {
        inJpeg = true;
      } else if (inJpeg && !trimmed.startsWith("SIMD")) {
        inJpeg = false;
      }
      if (inJpeg) {
        lines.append(lines.length() == 0 ? "" : "; ").append(trimmed.replaceAll("\\s+", " "));
      }
    }
    return lines.toString();
  }

  @Override
  public DecodedImage decode(byte[] encoded) throws UndecodableImageException {
    MatOfByte buffer = new MatOfByte(encoded);
    Mat image = Imgcodecs.imdecode(buffer, flags);
    buffer.release();
    try {
      if (image.empty() || image.channels() != 3) {
        throw new UndecodableImageException(encoded.length + " bytes that OpenCV does not decode to 3 channels");
      }
      byte[] pixels = new byte[(int) image.total() * 3];
      image.get(0, 0, pixels);
      // OpenCV's pixels are BGR.
      return new DecodedImage(image.cols(), image.rows(), pixels, 3, 2, 1, 0);
    } finally {
      image.release();
    }
  }
}
