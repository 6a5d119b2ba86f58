package io.torchscore.model;

import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.util.Platform;
import ai.djl.util.Utils;
import ai.djl.util.cuda.CudaUtils;
import io.torchscore.TorchScoreException;
import io.torchscore.config.ConfKeys;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Properties;

/**
 * Starts DJL's PyTorch engine, or says in one line which libtorch to add when none is usable.
 *
 * <p>DJL takes libtorch from {@code PYTORCH_LIBRARY_PATH} (an environment variable or system
 * property, with {@code PYTORCH_VERSION} and {@code PYTORCH_FLAVOR}), else from a
 * {@code pytorch-native-*} jar on the classpath; it never downloads one, since torchscore keeps it
 * offline. The {@code -cluster-gpu.jar} bundles none, so a cluster without either fails here.
 */
public final class EngineStarter {

  /** DJL's name of its PyTorch engine. */
  public static final String ENGINE = "PyTorch";

  private static final String LIBRARY_PATH = "PYTORCH_LIBRARY_PATH";

  private EngineStarter() {}

  /**
   * Returns DJL's PyTorch engine, loading libtorch and DJL's JNI library on the first call.
   *
   * @return the started engine
   * @throws TorchScoreException when no usable libtorch is found or it does not load
   */
  public static Engine start() {
    try {
      return Engine.getEngine(ENGINE);
    } catch (EngineException | IllegalArgumentException e) {
      IOException disk = diskFailure(e);
      if (disk != null) {
        throw new TorchScoreException(
            e,
            "Cannot start DJL's PyTorch engine: cannot extract its native libraries into %s (%s: %s);"
                + " this machine's disk is full or read-only there: free 1 GB there or set %s to a"
                + " local folder this user can write",
            Utils.getEngineCacheDir(),
            disk.getClass().getSimpleName(),
            TorchScoreException.firstLine(disk.getMessage()),
            ConfKeys.CACHE_DIR);
      }
      String version = Platform.fromSystem("pytorch").getVersion();
      throw new TorchScoreException(
          e,
          "Cannot start DJL's PyTorch engine: %s; DJL (offline, so it downloads nothing) said:"
              + " %s; add ai.djl.pytorch:pytorch-native-cu128:%s:linux-x86_64 to the"
              + " classpath, with a CPU libtorch where there is no GPU (the -cluster.jar bundles"
              + " one), or set %s to an installed libtorch's lib folder with PYTORCH_VERSION and"
              + " PYTORCH_FLAVOR (e.g. %s and cu128)",
          librarySources(),
          causes(e),
          version,
          LIBRARY_PATH,
          version);
    }
  }

  /** Says where DJL looked for libtorch. */
  private static String librarySources() {
    String libraryPath = System.getenv(LIBRARY_PATH);
    if (libraryPath == null) {
      libraryPath = System.getProperty(LIBRARY_PATH);
    }
    if (libraryPath != null) {
      String libtorch = System.mapLibraryName("torch");
      for (String entry : libraryPath.split(File.pathSeparator)) {
        if (Files.isRegularFile(Path.of(entry, libtorch))) {
          return String.format("%s=%s holds %s", LIBRARY_PATH, libraryPath, libtorch);
        }
      }
      return String.format("%s=%s holds no %s", LIBRARY_PATH, libraryPath, libtorch);
    }
    List<String> flavors = bundledFlavors();
    if (flavors.isEmpty()) {
      return LIBRARY_PATH + " is not set and no libtorch is on the classpath";
    }
    String where = LIBRARY_PATH + " is not set and the classpath holds libtorch " + String.join(", ", flavors);
    // DJL takes a CUDA libtorch jar only where it sees a GPU (a driver often has none).
    return flavors.stream().allMatch(flavor -> flavor.startsWith("cu"))
        ? where + " but DJL sees " + CudaUtils.getGpuCount() + " CUDA GPUs here"
        : where;
  }

  /** Returns the flavours (cpu, cu128, ...) of the pytorch-native jars on the classpath. */
  private static List<String> bundledFlavors() {
    List<String> flavors = new ArrayList<>();
    try {
      Enumeration<URL> found =
          Thread.currentThread().getContextClassLoader().getResources("native/lib/pytorch.properties");
      while (found.hasMoreElements()) {
        Properties properties = new Properties();
        try (InputStream in = found.nextElement().openStream()) {
          properties.load(in);
        }
        flavors.add(properties.getProperty("flavor", "unknown"));
      }
    } catch (IOException e) {
      flavors.add("unreadable (" + e.getMessage() + ")");
    }
    return flavors;
  }

  /**
   * Returns the local disk's failure behind a failure (DJL's extraction into its cache folder: a
   * folder it may not write, a full disk), or null; not DJL's refusal to download, also an
   * IOException.
   */
  private static IOException diskFailure(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof FileSystemException
          || (t instanceof IOException && String.valueOf(t.getMessage()).contains("No space left on device"))) {
        return (IOException) t;
      }
    }
    return null;
  }

  /** Joins the first lines of a failure and its causes, skipping repeats. */
  private static String causes(Throwable failure) {
    List<String> lines = new ArrayList<>();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String line = TorchScoreException.firstLine(t.getMessage() == null ? t.toString() : t.getMessage());
      if (!lines.contains(line)) {
        lines.add(line);
      }
    }
    return String.join(": ", lines);
  }
}
