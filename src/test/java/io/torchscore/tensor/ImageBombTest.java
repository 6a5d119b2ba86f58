package io.torchscore.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import io.torchscore.config.ImageSettings;
import io.torchscore.sparkinternal.InternalRowValues;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.junit.jupiter.api.Test;

/** A tiny PNG whose header declares 50,000 x 50,000 pixels is a bad row, found without decoding it. */
class ImageBombTest {

  private final ImageReader reader = new ImageReader(0, "content", ImageSettings.defaults());

  @Test
  void aDecompressionBombIsABadRowNotAnOutOfMemoryError() throws Exception {
    byte[] bomb = declaring(50_000, 50_000);

    RowError error = reader.read(new InternalRowValues().of(new GenericInternalRow(new Object[] {bomb})), new CountingSink());

    assertThat(bomb.length).isLessThan(200);
    assertThat(error.reason()).isEqualTo(ErrorReason.IMAGE_TOO_LARGE);
    assertThat(error.message()).contains("declares 2500000000 pixels, more than 89478485");
  }

  @Test
  void anOrdinaryImageIsRead() throws Exception {
    CountingSink sink = new CountingSink();

    assertThat(reader.read(new InternalRowValues().of(new GenericInternalRow(new Object[] {png(300, 200)})), sink)).isNull();
    assertThat(sink.values).isEqualTo(3 * 224 * 224);
  }

  private static byte[] png(int width, int height) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB), "png", out);
    return out.toByteArray();
  }

  /** A 1 x 1 PNG whose IHDR chunk is rewritten to declare another size, with its CRC fixed. */
  private static byte[] declaring(int width, int height) throws Exception {
    byte[] png = png(1, 1);
    ByteBuffer buffer = ByteBuffer.wrap(png);
    // Signature (8), IHDR length (4), "IHDR" (4), then width and height.
    buffer.putInt(16, width);
    buffer.putInt(20, height);
    CRC32 crc = new CRC32();
    crc.update(png, 12, 4 + 13);
    buffer.putInt(12 + 4 + 13, (int) crc.getValue());
    return png;
  }

  private static final class CountingSink implements ValueSink {
    private int values;

    @Override
    public void putFloat(int i, float value) {
      values = Math.max(values, i + 1);
    }

    @Override
    public void putDouble(int i, double value) {
      putFloat(i, (float) value);
    }

    @Override
    public void putLong(int i, long value) {
      putFloat(i, value);
    }

    @Override
    public void putFloats(int i, float[] floats) {
      values = Math.max(values, i + floats.length);
    }

    @Override
    public long floatsAddress(int i) {
      return -1;
    }

    @Override
    public void wroteFloats(int i, int count) {
      values = Math.max(values, i + count);
    }
  }
}
