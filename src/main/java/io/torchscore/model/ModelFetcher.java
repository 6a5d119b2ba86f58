package io.torchscore.model;

import io.torchscore.TorchScoreException;
import io.torchscore.config.Redaction;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies a model file from any Hadoop file system to a local cache folder, once: the copy is
 * written to a temporary file, checked against its SHA-256 and renamed into place atomically, so
 * concurrent tasks never see a partial file.
 */
public final class ModelFetcher {

  private static final Logger LOG = LoggerFactory.getLogger(ModelFetcher.class);

  private ModelFetcher() {}

  /**
   * Locates a model on the driver and copies it to the local cache, computing its checksum.
   *
   * @param path a local path or Hadoop FS URI
   * @param conf the Hadoop configuration to reach it
   * @param threads libtorch intra-op threads executors will use
   * @param cacheDir the local cache folder
   * @param engine the {@code spark.torchscore.engine} that will load it
   * @param gpuProvider ONNX Runtime's execution provider on a GPU
   * @return the reference to broadcast
   * @throws TorchScoreException when the file does not exist or cannot be read
   */
  public static ModelRef locate(
      String path, Configuration conf, int threads, String cacheDir, String engine, String gpuProvider) {
    org.apache.hadoop.fs.Path hadoopPath = new org.apache.hadoop.fs.Path(path);
    try {
      FileSystem fs = hadoopPath.getFileSystem(conf);
      org.apache.hadoop.fs.Path qualified = fs.makeQualified(hadoopPath);
      TorchScoreException.check(
          fs.exists(qualified) && fs.getFileStatus(qualified).isFile(),
          "Cannot load model: %s does not exist or is not a file; set spark.torchscore.model.path"
              + " to a TorchScript file (torch.jit.save output) or an ONNX file",
          Redaction.uri(path));
      FileStatus status = fs.getFileStatus(qualified);
      Path local = copyToCache(fs, qualified, Path.of(cacheDir), null);
      String sha256 = local.getFileName().toString().replace(".pt", "");
      return new ModelRef(
          qualified.toString(), sha256, status.getLen(), threads, cacheDir, new HadoopConf(conf), engine,
          gpuProvider);
    } catch (IOException e) {
      throw new TorchScoreException(
          e, "Cannot load model: failed to read %s: %s", Redaction.uri(path), e.getMessage());
    }
  }

  /**
   * Returns the local copy of a model, copying it first when this JVM's cache lacks it.
   *
   * @param ref the model reference
   * @return the local file, named after its checksum
   * @throws TorchScoreException when the file cannot be read or its checksum differs
   */
  public static Path fetch(ModelRef ref) {
    Path cached = Path.of(ref.cacheDir(), ref.sha256() + ".pt");
    if (Files.isRegularFile(cached)) {
      return cached;
    }
    org.apache.hadoop.fs.Path source = new org.apache.hadoop.fs.Path(ref.uri());
    try {
      return copyToCache(
          source.getFileSystem(ref.hadoopConf().get()), source, Path.of(ref.cacheDir()), ref.sha256());
    } catch (IOException e) {
      throw new TorchScoreException(
          e, "Cannot load model: failed to copy %s: %s", Redaction.uri(ref.uri()), e.getMessage());
    }
  }

  private static Path copyToCache(
      FileSystem fs, org.apache.hadoop.fs.Path source, Path cacheDir, String expectedSha256)
      throws IOException {
    Files.createDirectories(cacheDir);
    Path temp = Files.createTempFile(cacheDir, "fetch-", ".tmp");
    try {
      MessageDigest digest = sha256();
      try (InputStream in = new DigestInputStream(fs.open(source), digest);
          OutputStream out = Files.newOutputStream(temp)) {
        in.transferTo(out);
      }
      String actual = HexFormat.of().formatHex(digest.digest());
      TorchScoreException.check(
          expectedSha256 == null || expectedSha256.equals(actual),
          "Cannot load model: %s changed since the driver read it (sha256 %s, now %s);"
              + " do not overwrite a model while a job uses it",
          Redaction.uri(source.toString()),
          expectedSha256,
          actual);
      Path target = cacheDir.resolve(actual + ".pt");
      moveAtomically(temp, target);
      LOG.info("Model {} cached at {}", Redaction.uri(source.toString()), target);
      return target;
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static void moveAtomically(Path temp, Path target) throws IOException {
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }
}
