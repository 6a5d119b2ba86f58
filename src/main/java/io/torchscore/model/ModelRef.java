package io.torchscore.model;

import io.torchscore.config.ConfKeys;
import io.torchscore.config.Redaction;
import java.io.Serializable;

/**
 * What executors need to find and load a model: its location, its checksum, the thread budget
 * and the cache folder setting. This, never the model's bytes, is what the driver broadcasts.
 *
 * @param uri the fully qualified location of the model file
 * @param sha256 the file's SHA-256 as read on the driver, hex
 * @param sizeBytes the file's size
 * @param threads libtorch intra-op threads per executor JVM
 * @param cacheDirSetting the explicit {@code spark.torchscore.cache.dir}, or null for each JVM's
 *     default (see {@link #cacheDir()})
 * @param hadoopConf the driver's Hadoop configuration, to reach the same file system
 * @param driverUri the {@code spark://} URI from which the driver's file server serves its copy of
 *     a file on its own disk, for executors to read; null to read {@code uri}
 * @param engine the {@code spark.torchscore.engine} that loads it
 * @param gpuProvider ONNX Runtime's execution provider on a GPU, {@code cuda} or {@code tensorrt}
 */
public record ModelRef(
    String uri,
    String sha256,
    long sizeBytes,
    int threads,
    String cacheDirSetting,
    HadoopConf hadoopConf,
    String driverUri,
    String engine,
    String gpuProvider)
    implements Serializable {

  /**
   * Creates a reference that executors read from the model's location, for libtorch.
   *
   * @param uri the fully qualified location of the TorchScript file
   * @param sha256 the file's SHA-256 as read on the driver, hex
   * @param sizeBytes the file's size
   * @param threads libtorch intra-op threads per executor JVM
   * @param cacheDirSetting the explicit {@code spark.torchscore.cache.dir}, or null
   * @param hadoopConf the driver's Hadoop configuration, to reach the same file system
   */
  public ModelRef(
      String uri,
      String sha256,
      long sizeBytes,
      int threads,
      String cacheDirSetting,
      HadoopConf hadoopConf) {
    this(
        uri,
        sha256,
        sizeBytes,
        threads,
        cacheDirSetting,
        hadoopConf,
        null,
        ConfKeys.ENGINE.defaultValue(),
        ConfKeys.ONNXRUNTIME_PROVIDER.defaultValue());
  }

  /**
   * Returns this reference for another engine.
   *
   * @param engine the {@code spark.torchscore.engine} that loads the model
   * @param gpuProvider ONNX Runtime's execution provider on a GPU
   * @return the reference, loaded by that engine
   */
  public ModelRef withEngine(String engine, String gpuProvider) {
    return new ModelRef(
        uri, sha256, sizeBytes, threads, cacheDirSetting, hadoopConf, driverUri, engine, gpuProvider);
  }

  /**
   * Returns the key of this model in the executor cache: the same bytes are loaded once per engine
   * (and GPU provider).
   *
   * @return the engine, provider and checksum
   */
  public String cacheKey() {
    return engine + "/" + gpuProvider + "/" + sha256;
  }

  /**
   * Returns the local cache folder of the JVM that calls this: the explicit setting, else
   * {@code torchscore-cache-<OS user>} in this JVM's {@code java.io.tmpdir}.
   *
   * @return the folder's absolute path
   */
  public String cacheDir() {
    return CacheFolder.resolve(cacheDirSetting).toString();
  }

  @Override
  public String toString() {
    return "ModelRef{uri=" + Redaction.uri(uri) + ", sha256=" + sha256 + ", bytes=" + sizeBytes + ", engine=" + engine + "}";
  }
}
