package io.torchscore;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32;
import java.util.zip.GZIPInputStream;

/**
 * Writes different 24 MB TorchScript models without PyTorch, for tests of long-lived executors:
 * each is the committed skeleton {@code wide_table.pt.gz} (made by
 * {@code src/test/python/make_wide_table.py}) with its 600,000 x 10 float table filled with one
 * value. The model returns {@code (x * table[0]).sum(1)}, so a row's prediction is that value
 * times the sum of its 10 features: a truth the tests compute by hand.
 *
 * <p>TorchScript keeps a tensor's storage as one uncompressed zip entry; the table is written over
 * it in place and the entry's CRC-32 updated where the zip keeps it (the central directory and the
 * data descriptor that follows the entry), so libtorch reads it as a file PyTorch wrote.
 */
public final class WideTableModels {

  /** The bytes of one model's table: what loading it puts in native memory. */
  public static final int TABLE_BYTES = 600_000 * 10 * Float.BYTES;

  private static final Path SKELETON = Paths.get("src/test/resources/fixtures/wide_table.pt.gz");
  private static final String STORAGE = "archive/data/0";

  private WideTableModels() {}

  /**
   * Writes a model whose table holds {@code value} everywhere.
   *
   * @param file where to write it
   * @param value the table's value: the model predicts {@code value * sum(features)}
   * @return the file
   * @throws IOException when the skeleton cannot be read or the file written
   */
  public static Path write(Path file, float value) throws IOException {
    Path partial = file.resolveSibling(file.getFileName() + ".partial");
    try (InputStream in = new GZIPInputStream(Files.newInputStream(SKELETON))) {
      Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
    }
    try (FileChannel zip = FileChannel.open(partial, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      fillStorage(zip, value);
    }
    return Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING);
  }

  private static void fillStorage(FileChannel zip, float value) throws IOException {
    ByteBuffer table = ByteBuffer.allocate(TABLE_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    while (table.hasRemaining()) {
      table.putFloat(value);
    }
    table.flip();
    CRC32 crc = new CRC32();
    crc.update(table.duplicate());
    int checksum = (int) crc.getValue();

    long central = centralEntry(zip);
    ByteBuffer header = read(zip, central, 46);
    check(header.getInt(20) == TABLE_BYTES && header.getShort(10) == 0, "the table's entry is not stored as expected");
    boolean descriptor = (header.getShort(8) & 0x8) != 0;
    long local = Integer.toUnsignedLong(header.getInt(42));
    ByteBuffer localHeader = read(zip, local, 30);
    check(localHeader.getInt(0) == 0x04034b50, "no local header at the central directory's offset");
    long data = local + 30 + Short.toUnsignedInt(localHeader.getShort(26)) + Short.toUnsignedInt(localHeader.getShort(28));

    zip.write(table, data);
    zip.write(littleEndianInt(checksum), central + 16);
    if (descriptor) {
      long after = data + TABLE_BYTES;
      boolean signed = read(zip, after, 4).getInt(0) == 0x08074b50;
      zip.write(littleEndianInt(checksum), signed ? after + 4 : after);
    } else {
      zip.write(littleEndianInt(checksum), local + 14);
    }
  }

  /** Returns the offset of the storage entry's central directory header. */
  private static long centralEntry(FileChannel zip) throws IOException {
    // No zip comment: the end-of-central-directory record is the last 22 bytes.
    ByteBuffer end = read(zip, zip.size() - 22, 22);
    check(end.getInt(0) == 0x06054b50, "no end-of-central-directory record");
    int entries = Short.toUnsignedInt(end.getShort(10));
    long offset = Integer.toUnsignedLong(end.getInt(16));
    for (int i = 0; i < entries; i++) {
      ByteBuffer header = read(zip, offset, 46);
      check(header.getInt(0) == 0x02014b50, "a broken central directory");
      int nameLength = Short.toUnsignedInt(header.getShort(28));
      String name = StandardCharsets.UTF_8.decode(read(zip, offset + 46, nameLength)).toString();
      if (name.equals(STORAGE)) {
        return offset;
      }
      offset += 46 + nameLength + Short.toUnsignedInt(header.getShort(30)) + Short.toUnsignedInt(header.getShort(32));
    }
    throw new IOException("Cannot write a wide-table model: " + SKELETON + " has no " + STORAGE);
  }

  private static ByteBuffer read(FileChannel zip, long position, int length) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    while (buffer.hasRemaining()) {
      if (zip.read(buffer, position + buffer.position()) < 0) {
        throw new IOException("Cannot write a wide-table model: " + SKELETON + " ends early");
      }
    }
    return buffer.flip();
  }

  private static ByteBuffer littleEndianInt(int value) {
    return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, value);
  }

  private static void check(boolean condition, String problem) throws IOException {
    if (!condition) {
      throw new IOException("Cannot write a wide-table model from " + SKELETON + ": " + problem);
    }
  }
}
