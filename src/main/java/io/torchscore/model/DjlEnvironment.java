package io.torchscore.model;

import ai.djl.util.Utils;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets up DJL and starts its engine: offline (no native download, no telemetry probe), caches
 * under a local folder, and libtorch thread counts that suit concurrent Spark tasks.
 *
 * <p>DJL reads these system properties once per JVM, when the PyTorch engine first starts; a
 * value the user set explicitly (for example with {@code -Dai.djl.pytorch.num_threads}) wins. The
 * cache folder and DJL's engine cache are checked to be this user's before DJL writes or loads
 * anything there, and the native libraries in it to be what the jars shipped.
 */
public final class DjlEnvironment {

  private static final Logger LOG = LoggerFactory.getLogger(DjlEnvironment.class);

  private static boolean prepared;

  private DjlEnvironment() {}

  /**
   * Prepares this JVM for DJL (only the first call sets it up) and starts DJL's PyTorch engine;
   * call it before any other use of DJL.
   *
   * @param intraOpThreads libtorch intra-op threads for this JVM
   * @param cacheDir a writable local folder for DJL's own caches
   * @throws io.torchscore.TorchScoreException when no usable libtorch is found, naming what to add,
   *     or a cache folder is not this user's own
   */
  public static synchronized void prepare(int intraOpThreads, String cacheDir) {
    if (!prepared) {
      setUp(intraOpThreads, cacheDir);
      CacheFolder.prepare(cacheDir);
      NativeLibraryCheck.startEngine(CacheFolder.prepare(Utils.getEngineCacheDir().toString()));
      prepared = true;
    }
    EngineStarter.start();
  }

  private static void setUp(int intraOpThreads, String cacheDir) {
    setIfAbsent("OPT_OUT_TRACKING", "true");
    setIfAbsent("ai.djl.offline", "true");
    String djlCache = Path.of(cacheDir, "djl").toString();
    setIfAbsent("DJL_CACHE_DIR", djlCache);
    setIfAbsent("ENGINE_CACHE_DIR", djlCache);
    setIfAbsent("ai.djl.pytorch.num_threads", Integer.toString(intraOpThreads));
    // Spark already runs one task per core: libtorch's own inter-op parallelism would oversubscribe.
    setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
    // ai.djl.pytorch.graph_optimizer stays at DJL's default (on), and a partition's last, smaller
    // batch is not padded: both alternatives were slower on ragged partitions (bench ragged).
    LOG.info(
        "DJL prepared offline: intra-op threads {}, cache {}",
        System.getProperty("ai.djl.pytorch.num_threads"),
        djlCache);
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
