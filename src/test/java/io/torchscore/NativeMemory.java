package io.torchscore;

import ai.djl.engine.Engine;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a JVM holds in native memory, as the soaks measure it: its resident memory (Linux's VmRSS)
 * and DJL's live native objects, the NDManagers and NDArrays under the PyTorch engine's root
 * manager (a manager or array never closed stays there).
 */
public final class NativeMemory {

  private static final Field RESOURCES;

  static {
    try {
      RESOURCES = BaseNDManager.class.getDeclaredField("resources");
      RESOURCES.setAccessible(true);
    } catch (NoSuchFieldException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private NativeMemory() {}

  /**
   * One reading of a JVM.
   *
   * @param rssKb resident memory in kB
   * @param managers DJL's live NDManagers under the engine's root
   * @param arrays DJL's live NDArrays under the engine's root
   */
  public record Reading(long rssKb, int managers, int arrays) implements Serializable {}

  /**
   * Reads this JVM; DJL's PyTorch engine must have started.
   *
   * @return the reading
   */
  public static Reading read() {
    NDManager probe = Engine.getEngine("PyTorch").newBaseManager();
    NDManager root = probe.getParentManager();
    probe.close();
    return read(root);
  }

  /**
   * Reads this JVM, counting DJL's objects under the given root manager.
   *
   * @param root the engine's root manager
   * @return the reading
   */
  public static Reading read(NDManager root) {
    int[] counts = new int[2];
    count(root, counts);
    return new Reading(residentKb(), counts[0], counts[1]);
  }

  /**
   * Returns this process's resident memory, from {@code /proc/self/status}.
   *
   * @return VmRSS in kB
   */
  public static long residentKb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalStateException("No VmRSS in /proc/self/status");
  }

  /** Counts the live managers (counts[0]) and arrays (counts[1]) under a manager. */
  private static void count(NDManager manager, int[] counts) {
    Map<?, ?> resources;
    try {
      resources = (Map<?, ?>) RESOURCES.get(manager);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
    for (Object resource : resources.values()) {
      if (resource instanceof NDManager child) {
        counts[0]++;
        count(child, counts);
      } else if (resource instanceof NDArray) {
        counts[1]++;
      }
    }
  }
}
