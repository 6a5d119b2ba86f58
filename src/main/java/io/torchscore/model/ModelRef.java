package io.torchscore.model;

import io.torchscore.config.Redaction;
import java.io.Serializable;

/**
 * What executors need to find and load a model: its location, its checksum, the thread budget
 * and the local cache folder. This, never the model's bytes, is what the driver broadcasts.
 *
 * @param uri the fully qualified location of the model file
 * @param sha256 the file's SHA-256 as read on the driver, hex
 * @param sizeBytes the file's size
 * @param threads libtorch intra-op threads per executor JVM
 * @param cacheDir the executor-local folder to copy the file to
 * @param hadoopConf the driver's Hadoop configuration, to reach the same file system
 * @param engine the {@code spark.torchscore.engine} that loads it
 * @param gpuProvider ONNX Runtime's execution provider on a GPU, {@code cuda} or {@code tensorrt}
 */
public record ModelRef(
    String uri,
    String sha256,
    long sizeBytes,
    int threads,
    String cacheDir,
    HadoopConf hadoopConf,
    String engine,
    String gpuProvider)
    implements Serializable {

  /**
   * Returns the key of this model in the executor cache: the same bytes are loaded once per engine
   * (and GPU provider).
   *
   * @return the engine, provider and checksum
   */
  public String cacheKey() {
    return engine + "/" + gpuProvider + "/" + sha256;
  }

  @Override
  public String toString() {
    return "ModelRef{uri=" + Redaction.uri(uri) + ", sha256=" + sha256 + ", bytes=" + sizeBytes + ", engine=" + engine + "}";
  }
}
