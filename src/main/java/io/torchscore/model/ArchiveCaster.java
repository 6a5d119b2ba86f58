package io.torchscore.model;

import io.torchscore.TorchScoreException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Writes a copy of a TorchScript archive whose float32 parameters and buffers are float16, as
 * {@code model.half()} followed by {@code torch.jit.save} would: DJL 0.36 has no call to cast a
 * loaded module, so the cast is done once on the file, before loading.
 *
 * <p>A TorchScript archive is a zip holding {@code data.pkl} (the module's pickled state, whose
 * tensors point at storages by key and storage class) and one raw little-endian file per storage
 * ({@code data/<key>}). The cast renames the storage class {@code torch.FloatStorage} to
 * {@code torch.HalfStorage} in the pickle and rewrites the storages of that class; nothing else
 * (the code, constants, integer or double tensors) changes.
 */
final class ArchiveCaster {

  private static final String FLOAT = "torch\nFloatStorage\n";
  private static final String HALF = "torch\nHalfStorage\n";

  private ArchiveCaster() {}

  /**
   * Writes {@code source}'s half-precision copy to {@code target}.
   *
   * @param source a TorchScript archive with float32 tensors
   * @param target where to write the copy
   * @throws IOException when a file cannot be read or written
   * @throws TorchScoreException when the archive is not laid out as TorchScript writes it
   */
  static void toHalf(Path source, Path target) throws IOException {
    Map<String, byte[]> entries = new java.util.LinkedHashMap<>();
    // PyTorch writes stored entries with data descriptors: read them through the central directory.
    try (ZipFile zip = new ZipFile(source.toFile())) {
      for (ZipEntry entry : java.util.Collections.list(zip.entries())) {
        try (InputStream in = zip.getInputStream(entry)) {
          entries.put(entry.getName(), in.readAllBytes());
        }
      }
    }
    String pickleName =
        entries.keySet().stream()
            .filter(name -> name.endsWith("/data.pkl") && name.indexOf('/') == name.lastIndexOf('/'))
            .findFirst()
            .orElseThrow(
                () -> new TorchScoreException("Cannot cast %s to fp16: it has no data.pkl; is it TorchScript?", source));
    String root = pickleName.substring(0, pickleName.length() - "data.pkl".length());
    byte[] pickle = entries.get(pickleName);
    Set<String> floatStorages = new StorageScanner(pickle).floatStorageKeys();
    entries.put(pickleName, replace(pickle, FLOAT, HALF));
    for (String key : floatStorages) {
      String name = root + "data/" + key;
      byte[] data = entries.get(name);
      TorchScoreException.check(data != null, "Cannot cast %s to fp16: storage %s is missing", source, name);
      entries.put(name, floatsToHalves(data));
    }
    try (OutputStream file = Files.newOutputStream(target);
        ZipOutputStream out = new ZipOutputStream(file)) {
      for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
        out.putNextEntry(stored(entry.getKey(), entry.getValue()));
        out.write(entry.getValue());
        out.closeEntry();
      }
    }
  }

  private static ZipEntry stored(String name, byte[] data) {
    // TorchScript stores entries uncompressed; libtorch maps them as they are.
    ZipEntry entry = new ZipEntry(name);
    entry.setMethod(ZipEntry.STORED);
    entry.setSize(data.length);
    entry.setCompressedSize(data.length);
    CRC32 crc = new CRC32();
    crc.update(data);
    entry.setCrc(crc.getValue());
    return entry;
  }

  private static byte[] replace(byte[] bytes, String from, String to) {
    byte[] pattern = from.getBytes(StandardCharsets.US_ASCII);
    byte[] replacement = to.getBytes(StandardCharsets.US_ASCII);
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length);
    int i = 0;
    while (i < bytes.length) {
      if (matches(bytes, i, pattern)) {
        out.write(replacement, 0, replacement.length);
        i += pattern.length;
      } else {
        out.write(bytes[i++]);
      }
    }
    return out.toByteArray();
  }

  private static boolean matches(byte[] bytes, int at, byte[] pattern) {
    if (at + pattern.length > bytes.length) {
      return false;
    }
    for (int j = 0; j < pattern.length; j++) {
      if (bytes[at + j] != pattern[j]) {
        return false;
      }
    }
    return true;
  }

  private static byte[] floatsToHalves(byte[] data) {
    ByteBuffer floats = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer halves = ByteBuffer.allocate(data.length / 2).order(ByteOrder.LITTLE_ENDIAN);
    while (floats.remaining() >= Float.BYTES) {
      halves.putShort(toHalf(floats.getFloat()));
    }
    return halves.array();
  }

  /** IEEE 754 binary16 of a float, rounded to nearest even, as {@code tensor.half()} rounds. */
  static short toHalf(float value) {
    int bits = Float.floatToRawIntBits(value);
    int sign = (bits >>> 16) & 0x8000;
    int exponent = (bits >>> 23) & 0xff;
    int mantissa = bits & 0x7fffff;
    if (exponent == 0xff) {
      return (short) (sign | 0x7c00 | (mantissa != 0 ? 0x200 : 0)); // Inf or NaN
    }
    int halfExponent = exponent - 127 + 15;
    if (halfExponent >= 0x1f) {
      return (short) (sign | 0x7c00); // too large: Inf
    }
    if (halfExponent <= 0) {
      if (halfExponent < -10) {
        return (short) sign; // too small: signed zero
      }
      // Subnormal: shift the mantissa, with its implicit leading 1, into place.
      int full = mantissa | 0x800000;
      int shift = 14 - halfExponent;
      int half = full >> shift;
      int rest = full & ((1 << shift) - 1);
      int halfway = 1 << (shift - 1);
      if (rest > halfway || (rest == halfway && (half & 1) == 1)) {
        half++;
      }
      return (short) (sign | half);
    }
    int half = (halfExponent << 10) | (mantissa >> 13);
    int rest = mantissa & 0x1fff;
    if (rest > 0x1000 || (rest == 0x1000 && (half & 1) == 1)) {
      half++; // may carry into the exponent, which is still right (up to Inf)
    }
    return (short) (sign | half);
  }

  /**
   * Walks the opcodes TorchScript's pickler writes (protocol 2) and collects the keys of the
   * storages whose class is {@code torch.FloatStorage}: each storage is a persistent id
   * {@code ('storage', class, key, location, size)}.
   */
  private static final class StorageScanner {

    private static final Object MARK = new Object();

    private final ByteBuffer in;
    private final List<Object> stack = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();
    private final Set<String> floatKeys = new HashSet<>();

    StorageScanner(byte[] pickle) {
      this.in = ByteBuffer.wrap(pickle).order(ByteOrder.LITTLE_ENDIAN);
    }

    Set<String> floatStorageKeys() {
      while (in.hasRemaining()) {
        int op = in.get() & 0xff;
        switch (op) {
          case 0x80 -> in.get(); // PROTO
          case '.' -> {
            return floatKeys; // STOP
          }
          case 'c' -> push("global:" + line() + "." + line()); // GLOBAL
          case 'q' -> memo.put((long) (in.get() & 0xff), top()); // BINPUT
          case 'r' -> memo.put(in.getInt() & 0xffffffffL, top()); // LONG_BINPUT
          case 'h' -> push(memo.get((long) (in.get() & 0xff))); // BINGET
          case 'j' -> push(memo.get(in.getInt() & 0xffffffffL)); // LONG_BINGET
          case 'X' -> push(string(in.getInt())); // BINUNICODE
          case 0x8c -> push(string(in.get() & 0xff)); // SHORT_BINUNICODE
          case 'K' -> push((long) (in.get() & 0xff)); // BININT1
          case 'M' -> push((long) (in.getShort() & 0xffff)); // BININT2
          case 'J' -> push((long) in.getInt()); // BININT
          case 0x8a -> { // LONG1
            in.position(in.position() + (in.get() & 0xff));
            push(0L);
          }
          case 'G' -> { // BINFLOAT (big-endian, skipped)
            in.position(in.position() + Double.BYTES);
            push(0.0);
          }
          case 'B' -> skipBytes(in.getInt()); // BINBYTES
          case 'C' -> skipBytes(in.get() & 0xff); // SHORT_BINBYTES
          case 'N', 0x88, 0x89, ')', '}', ']' -> push(op); // NONE, TRUE, FALSE, empty tuple/dict/list
          case '(' -> push(MARK);
          case 't' -> push(popToMark()); // TUPLE
          case 0x85 -> push(List.of(pop())); // TUPLE1
          case 0x86 -> { // TUPLE2
            Object b = pop();
            push(List.of(pop(), b));
          }
          case 0x87 -> { // TUPLE3
            Object c = pop();
            Object b = pop();
            push(List.of(pop(), b, c));
          }
          case 'Q' -> persistentId(pop()); // BINPERSID
          case 'R', 0x81 -> { // REDUCE, NEWOBJ: callable and arguments become one value
            pop();
            pop();
            push(op);
          }
          case 'b', 'a' -> pop(); // BUILD, APPEND
          case 's' -> { // SETITEM
            pop();
            pop();
          }
          case 'u', 'e' -> popToMark(); // SETITEMS, APPENDS
          case 'p' -> memo.put(Long.parseLong(line()), top()); // PUT
          case 'g' -> push(memo.get(Long.parseLong(line()))); // GET
          default -> throw new TorchScoreException(
              "Cannot cast the model to fp16: unexpected pickle opcode 0x%s in data.pkl", Integer.toHexString(op));
        }
      }
      return floatKeys;
    }

    private void persistentId(Object id) {
      if (id instanceof List<?> tuple
          && tuple.size() >= 3
          && "storage".equals(tuple.get(0))
          && "global:torch.FloatStorage".equals(tuple.get(1))) {
        floatKeys.add((String) tuple.get(2));
      }
      push(id);
    }

    private void push(Object value) {
      stack.add(value);
    }

    private Object pop() {
      return stack.remove(stack.size() - 1);
    }

    private Object top() {
      return stack.get(stack.size() - 1);
    }

    private List<Object> popToMark() {
      List<Object> items = new ArrayList<>();
      for (Object item = pop(); item != MARK; item = pop()) {
        items.add(0, item);
      }
      return items;
    }

    private String line() {
      int start = in.position();
      byte b = in.get();
      while (b != '\n') {
        b = in.get();
      }
      return new String(in.array(), start, in.position() - start - 1, StandardCharsets.UTF_8);
    }

    private String string(int length) {
      String value = new String(in.array(), in.position(), length, StandardCharsets.UTF_8);
      in.position(in.position() + length);
      return value;
    }

    private void skipBytes(int length) {
      in.position(in.position() + length);
      push(length);
    }
  }
}
