package io.torchscore.model;

import io.torchscore.TorchScoreException;
import io.torchscore.config.ConfKeys;
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
import java.util.Collections;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies a model file from any Hadoop file system to a local cache folder, once: the copy is
 * written to a temporary file, checked against its SHA-256 and renamed into place atomically, so
 * concurrent tasks never see a partial file. A file already in the cache is used only after its
 * size, and once per JVM its checksum, match the model's: anything else under that name is replaced
 * by a fresh copy, never loaded.
 */
public final class ModelFetcher {

  private static final Logger LOG = LoggerFactory.getLogger(ModelFetcher.class);

  // Cache files whose checksum this JVM computed: later uses check their size only.
  private static final Set<Path> VERIFIED = ConcurrentHashMap.newKeySet();

  // The checksums of the sources this JVM located: the driver locates its model on every
  // transform(), and copies it again only when its location, size or modification time changed.
  private static final ConcurrentMap<SourceVersion, String> LOCATED = new ConcurrentHashMap<>();

  // The URIs of the cache copies each driver's file server serves, by file name: it serves a name
  // from one path only, and names are checksums, so a second cache folder's copy is the same file.
  private static final Map<SparkContext, Map<String, String>> SERVED =
      Collections.synchronizedMap(new WeakHashMap<>());

  /** Opens a model's bytes where they are: its own file system, or the driver's file server. */
  private interface Source {
    InputStream open() throws IOException;
  }

  private record SourceVersion(String uri, long size, long modified) {}

  private ModelFetcher() {}

  /**
   * Locates a model on the driver and copies it to the local cache, computing its checksum.
   *
   * @param path a local path or Hadoop FS URI
   * @param conf the Hadoop configuration to reach it
   * @param threads libtorch intra-op threads executors will use
   * @param cacheDir the explicit {@code spark.torchscore.cache.dir}, or null for each JVM's own
   * @param pinnedSha256 the {@code spark.torchscore.model.sha256} the file must have, or null
   * @return the reference to broadcast
   * @throws TorchScoreException when the file does not exist, cannot be read or has another
   *     checksum than the pinned one, or the cache folder cannot be written
   */
  public static ModelRef locate(
      String path, Configuration conf, int threads, String cacheDir, String pinnedSha256) {
    org.apache.hadoop.fs.Path hadoopPath = new org.apache.hadoop.fs.Path(path);
    try {
      FileSystem fs = fileSystem(hadoopPath, conf);
      org.apache.hadoop.fs.Path qualified = fs.makeQualified(hadoopPath);
      TorchScoreException.check(
          fs.exists(qualified) && fs.getFileStatus(qualified).isFile(),
          "Cannot load model: %s does not exist or is not a file; set %s to a TorchScript file"
              + " (torch.jit.save output) or an ONNX file",
          Redaction.uri(path),
          ConfKeys.MODEL_PATH);
      FileStatus status = fs.getFileStatus(qualified);
      Path folder = CacheFolder.prepare(cacheDir);
      SourceVersion version =
          new SourceVersion(qualified.toString(), status.getLen(), status.getModificationTime());
      String sha256 = LOCATED.get(version);
      long size = status.getLen();
      if (sha256 == null || problem(folder.resolve(sha256 + ".pt"), size, sha256) != null) {
        Path local =
            copyToCache(
                () -> fs.open(qualified), Redaction.uri(path), folder, null, Backoff.DEFAULT);
        sha256 = local.getFileName().toString().replace(".pt", "");
        // The copy's size, which is the checksum's even if the file changed since its status.
        size = Files.size(local);
        LOCATED.put(version, sha256);
      }
      TorchScoreException.check(
          pinnedSha256 == null || pinnedSha256.equalsIgnoreCase(sha256),
          "Cannot load model: %s has sha256 %s, but %s is %s; point %s at the pinned file or"
              + " update the pin",
          Redaction.uri(path),
          sha256,
          ConfKeys.MODEL_SHA256,
          pinnedSha256,
          ConfKeys.MODEL_PATH);
      return new ModelRef(
          qualified.toString(), sha256, size, threads, cacheDir, new HadoopConf(conf));
    } catch (IOException e) {
      throw new TorchScoreException(
          e,
          "Cannot load model: failed to read %s: %s",
          Redaction.uri(path),
          Redaction.uri(TorchScoreException.firstLine(e.getMessage())));
    }
  }

  /** Returns the path's file system, or one line naming the class that is not on the classpath. */
  private static FileSystem fileSystem(org.apache.hadoop.fs.Path path, Configuration conf)
      throws IOException {
    try {
      return path.getFileSystem(conf);
    } catch (RuntimeException e) {
      if (!(e.getCause() instanceof ClassNotFoundException missing)) {
        throw e;
      }
      throw new TorchScoreException(
          e,
          "Cannot load model: %s needs a Hadoop file system that is not on the classpath (%s);"
              + " add its module, for s3a:// org.apache.hadoop:hadoop-aws of Spark's Hadoop version"
              + " (spark-submit --packages)",
          Redaction.uri(path.toString()),
          TorchScoreException.firstLine(missing.getMessage()));
    }
  }

  /**
   * Ships a model on the driver's own disk to the executors when they may run on other machines,
   * that is unless the master is local: the driver's file server serves its verified cache copy,
   * named after the checksum, so two models with the same file name never collide.
   *
   * <p>The driver serves it to every executor of the application, whichever session runs the job:
   * a streaming query's micro-batches run in a clone of the session made when the query starts
   * (see {@link DriverFileServer} for why not {@code ADD FILE}).
   *
   * @param spark the driver's session
   * @param ref the model as located on the driver
   * @return the reference to broadcast: unchanged, or one whose executors read the driver's copy
   */
  public static ModelRef shipIfDriverLocal(SparkSession spark, ModelRef ref) {
    String scheme = new org.apache.hadoop.fs.Path(ref.uri()).toUri().getScheme();
    if (spark.sparkContext().isLocal() || !"file".equals(scheme)) {
      return ref;
    }
    SparkContext sc = spark.sparkContext();
    Path copy = CacheFolder.resolve(ref.cacheDirSetting()).resolve(ref.sha256() + ".pt");
    String driverUri =
        SERVED
            .computeIfAbsent(sc, c -> new ConcurrentHashMap<>())
            .computeIfAbsent(
                copy.getFileName().toString(),
                name -> {
                  String served = DriverFileServer.serve(sc, copy);
                  LOG.info(
                      "Model {} served to executors by the driver at {} from {}",
                      Redaction.uri(ref.uri()),
                      served,
                      copy);
                  return served;
                });
    return new ModelRef(
        ref.uri(),
        ref.sha256(),
        ref.sizeBytes(),
        ref.threads(),
        ref.cacheDirSetting(),
        ref.hadoopConf(),
        driverUri,
        ref.engine(),
        ref.gpuProvider());
  }

  /**
   * Returns the local copy of a model, copying it first when this JVM's cache lacks it or holds
   * something else under its name.
   *
   * @param ref the model reference
   * @return the local file, named after its checksum, with the model's size and checksum
   * @throws TorchScoreException when the file cannot be read or its checksum differs
   */
  public static Path fetch(ModelRef ref) {
    return fetchVerified(ref).file();
  }

  /** A fetched file, and why the cache's earlier file under its name was replaced (or null). */
  record Fetched(Path file, String replaced) {}

  static Fetched fetchVerified(ModelRef ref) {
    return fetchVerified(ref, Backoff.DEFAULT);
  }

  static Fetched fetchVerified(ModelRef ref, Backoff backoff) {
    Path folder = CacheFolder.prepare(ref.cacheDirSetting());
    Path cached = folder.resolve(ref.sha256() + ".pt");
    String problem = problem(cached, ref.sizeBytes(), ref.sha256());
    if (problem == null) {
      return new Fetched(cached, null);
    }
    boolean replacing = Files.exists(cached);
    if (replacing) {
      LOG.warn(
          "Model cache file {} {}: replacing it with a fresh copy of {}", cached, problem, ref);
    }
    String driverUri = ref.driverUri();
    Source source;
    String location;
    if (driverUri != null) {
      source = () -> DriverFileServer.open(driverUri);
      location = Redaction.uri(ref.uri()) + " from the driver (" + driverUri + ")";
    } else {
      org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(ref.uri());
      source = () -> path.getFileSystem(ref.hadoopConf().get()).open(path);
      location = Redaction.uri(ref.uri());
    }
    try {
      Path copied = copyToCache(source, location, folder, ref.sha256(), backoff);
      return new Fetched(copied, replacing ? problem : null);
    } catch (IOException e) {
      throw new TorchScoreException(
          e,
          "Cannot load model: failed to copy %s: %s",
          Redaction.uri(ref.uri()),
          Redaction.uri(TorchScoreException.firstLine(e.getMessage())));
    }
  }

  /** Returns what is wrong with the cache's file for a model, or null when it is the model. */
  private static String problem(Path cached, long sizeBytes, String sha256) {
    try {
      if (!Files.isRegularFile(cached)) {
        return "is missing";
      }
      long size = Files.size(cached);
      if (size != sizeBytes) {
        return "has " + size + " bytes, not the model's " + sizeBytes;
      }
      if (VERIFIED.contains(cached)) {
        return null;
      }
      String actual = sha256(cached);
      if (!actual.equals(sha256)) {
        return "has sha256 " + actual;
      }
      VERIFIED.add(cached);
      return null;
    } catch (IOException e) {
      return "cannot be read (" + e.getMessage() + ")";
    }
  }

  private static Path copyToCache(
      Source source,
      String location,
      Path cacheDir,
      String expectedSha256,
      Backoff backoff)
      throws IOException {
    Path temp;
    try {
      temp = Files.createTempFile(cacheDir, "fetch-", ".tmp");
    } catch (IOException e) {
      throw CacheFolder.cannotWrite(cacheDir, e);
    }
    try {
      String actual;
      try {
        actual = backoff.run(location, () -> copy(source, temp));
      } catch (Backoff.Exhausted e) {
        throw new TorchScoreException(
            e.last(),
            "Cannot load model: failed to read %s (%d attempts in %d s): %s: %s; check that the"
                + " file exists and that this machine can read it",
            location,
            e.attempts(),
            e.seconds(),
            e.last().getClass().getSimpleName(),
            Redaction.uri(TorchScoreException.firstLine(e.last().getMessage())));
      }
      TorchScoreException.check(
          expectedSha256 == null || expectedSha256.equals(actual),
          "Cannot load model: %s changed since the driver read it (sha256 %s, now %s);"
              + " do not overwrite a model while a job uses it",
          location,
          expectedSha256,
          actual);
      Path target = cacheDir.resolve(actual + ".pt");
      try {
        moveAtomically(temp, target);
      } catch (IOException e) {
        // For example another user's file under the name in a shared folder with the sticky bit.
        throw CacheFolder.cannotWrite(cacheDir, e);
      }
      VERIFIED.add(target);
      LOG.info("Model {} cached at {}", location, target);
      return target;
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /**
   * Copies the source over the temporary file, returning the copy's SHA-256. A failure to read the
   * source may pass (it is retried); a failure to write this machine's disk (full, read-only) does
   * not, and is thrown unchecked so that the retries leave it alone.
   */
  private static String copy(Source source, Path temp) throws IOException {
    MessageDigest digest = sha256();
    try (InputStream in = new DigestInputStream(source.open(), digest);
        OutputStream out = localOutput(temp)) {
      byte[] buffer = new byte[1 << 16];
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        write(out, buffer, n, temp);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static OutputStream localOutput(Path temp) {
    try {
      return Files.newOutputStream(temp);
    } catch (IOException e) {
      throw CacheFolder.cannotWrite(temp.getParent(), e);
    }
  }

  private static void write(OutputStream out, byte[] buffer, int length, Path temp) {
    try {
      out.write(buffer, 0, length);
    } catch (IOException e) {
      throw CacheFolder.cannotWrite(temp.getParent(), e);
    }
  }

  private static void moveAtomically(Path temp, Path target) throws IOException {
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static String sha256(Path file) throws IOException {
    MessageDigest digest = sha256();
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }
}
