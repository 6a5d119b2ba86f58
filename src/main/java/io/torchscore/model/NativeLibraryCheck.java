package io.torchscore.model;

import io.torchscore.TorchScoreException;
import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets DJL load native libraries from its cache folder only when they are the bytes the jars on
 * the classpath shipped: before the engine starts, a folder of extracted libraries that holds a
 * file no jar shipped, or a file whose size or CRC-32 differs from the jar's entry, is removed, so
 * that DJL extracts the jar's libraries again instead of loading it.
 *
 * <p>DJL loads every file of that folder and reuses whatever it finds there. The check and DJL's
 * extraction run under a file lock on the cache folder, so executors of one host that start
 * together neither load a half-extracted library nor remove one another's extraction. Where no
 * jar ships libraries (libtorch and the JNI supplied by the user, as on the GPU check's machine),
 * there is nothing to compare with and the folder's ownership check is what protects it.
 */
final class NativeLibraryCheck {

  private static final Logger LOG = LoggerFactory.getLogger(NativeLibraryCheck.class);

  // The properties files DJL's PyTorch JNI and libtorch jars hold beside their libraries.
  private static final List<String> MARKERS = List.of("jnilib/pytorch.properties", "native/lib/pytorch.properties");

  private static final String JNI = System.mapLibraryName("djl_torch");

  /** A file a jar shipped: its size and CRC-32, and where it came from. */
  record Shipped(long size, long crc, String jar) {}

  private NativeLibraryCheck() {}

  /**
   * Removes what should not be loaded from the engine cache, then starts the engine, holding the
   * cache folder's lock throughout.
   *
   * @param engineCache DJL's engine cache folder, already checked to be this user's
   * @throws TorchScoreException when the folder cannot be locked or cleaned, or the engine does
   *     not start
   */
  static void startEngine(Path engineCache) {
    try (FileChannel channel =
            FileChannel.open(
                engineCache.resolve(".torchscore.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = channel.lock()) {
      removeUnshipped(engineCache.resolve("pytorch"), shippedLibraries(classLoader()));
      EngineStarter.start();
    } catch (IOException e) {
      throw CacheFolder.cannotWrite(engineCache, e);
    }
  }

  /**
   * Removes each folder of extracted libraries that holds a file the jars did not ship.
   *
   * @param librariesRoot DJL's {@code pytorch} folder in its engine cache
   * @param shipped the jars' libraries by file name
   * @return the folders removed
   */
  static List<Path> removeUnshipped(Path librariesRoot, Map<String, List<Shipped>> shipped) throws IOException {
    List<Path> removed = new ArrayList<>();
    if (shipped.isEmpty() || !Files.isDirectory(librariesRoot)) {
      return removed;
    }
    try (Stream<Path> folders = Files.list(librariesRoot)) {
      for (Path folder : folders.filter(Files::isDirectory).toList()) {
        String problem = problem(folder, shipped);
        if (problem != null) {
          deleteTree(folder);
          removed.add(folder);
          LOG.warn("Removed DJL's native libraries in {}: {}; DJL extracts them from the jars again", folder, problem);
        }
      }
    }
    return removed;
  }

  /** Returns what is wrong with a folder of extracted libraries, or null. */
  private static String problem(Path folder, Map<String, List<Shipped>> shipped) throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(folder)) {
      files = walk.filter(path -> !Files.isDirectory(path)).toList();
    }
    for (Path file : files) {
      String name = file.getFileName().toString();
      // DJL names its JNI copy <DJL version>-libdjl_torch.so.
      String shippedName = name.endsWith("-" + JNI) ? JNI : name;
      List<Shipped> candidates = shipped.get(shippedName);
      if (candidates == null) {
        return file.getFileName() + " was not shipped by any jar on the classpath";
      }
      if (!Files.isRegularFile(file)) {
        return file.getFileName() + " is not a regular file";
      }
      long size = Files.size(file);
      if (candidates.stream().noneMatch(candidate -> candidate.size() == size)) {
        return file.getFileName() + " has " + size + " bytes, not the size " + candidates.get(0).jar() + " shipped";
      }
      long crc = crc32(file);
      if (candidates.stream().noneMatch(candidate -> candidate.size() == size && candidate.crc() == crc)) {
        return file.getFileName() + " differs from what " + candidates.get(0).jar() + " shipped (CRC-32)";
      }
    }
    return null;
  }

  /**
   * Returns the native libraries the PyTorch JNI and libtorch jars on the classpath ship, by file
   * name.
   *
   * @param loader the class loader DJL loads from
   * @return file name to the entries of that name
   */
  static Map<String, List<Shipped>> shippedLibraries(ClassLoader loader) throws IOException {
    Map<String, List<Shipped>> shipped = new HashMap<>();
    for (String marker : MARKERS) {
      Enumeration<URL> found = loader.getResources(marker);
      while (found.hasMoreElements()) {
        URL url = found.nextElement();
        if (!(url.openConnection() instanceof JarURLConnection connection)) {
          continue;
        }
        connection.setUseCaches(false);
        try (JarFile jar = connection.getJarFile()) {
          String jarName = Path.of(jar.getName()).getFileName().toString();
          for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements(); ) {
            JarEntry entry = entries.nextElement();
            String path = entry.getName();
            if (!entry.isDirectory() && !path.startsWith("META-INF/") && !path.endsWith(".properties")) {
              String name = path.substring(path.lastIndexOf('/') + 1);
              shipped.computeIfAbsent(name, n -> new ArrayList<>()).add(new Shipped(entry.getSize(), entry.getCrc(), jarName));
            }
          }
        }
      }
    }
    return shipped;
  }

  private static long crc32(Path file) throws IOException {
    CRC32 crc = new CRC32();
    byte[] buffer = new byte[1 << 20];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        crc.update(buffer, 0, n);
      }
    }
    return crc.getValue();
  }

  private static void deleteTree(Path folder) throws IOException {
    try (Stream<Path> walk = Files.walk(folder)) {
      for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  /** The loader of torchscore's classes, which loads DJL's and the libraries it extracts. */
  private static ClassLoader classLoader() {
    return NativeLibraryCheck.class.getClassLoader();
  }
}
