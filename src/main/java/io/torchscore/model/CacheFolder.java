package io.torchscore.model;

import io.torchscore.TorchScoreException;
import io.torchscore.config.ConfKeys;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The local folder models are copied to, resolved in the JVM that uses it (each executor its own):
 * {@code spark.torchscore.cache.dir} when set, else {@code torchscore-cache-<OS user>} in the JVM's
 * {@code java.io.tmpdir}, so two users of one host never share (or trip over) cache files.
 */
final class CacheFolder {

  private static final Set<PosixFilePermission> PRIVATE =
      PosixFilePermissions.fromString("rwx------");

  private CacheFolder() {}

  /**
   * Returns the cache folder of this JVM.
   *
   * @param setting the explicit {@code spark.torchscore.cache.dir}, or null
   * @return the folder's absolute path
   */
  static Path resolve(String setting) {
    return resolve(setting, System.getProperty("java.io.tmpdir"), System.getProperty("user.name"));
  }

  static Path resolve(String setting, String tmpDir, String user) {
    Path folder =
        setting != null
            ? Path.of(setting)
            : Path.of(tmpDir, "torchscore-cache-" + user.replaceAll("[^A-Za-z0-9._-]", "_"));
    return folder.toAbsolutePath().normalize();
  }

  /**
   * Returns this JVM's cache folder, created private to its user (0700) when missing.
   *
   * @param setting the explicit {@code spark.torchscore.cache.dir}, or null
   * @return the folder
   * @throws TorchScoreException naming the folder and the setting when it cannot be created
   */
  static Path prepare(String setting) {
    Path folder = resolve(setting);
    if (Files.isDirectory(folder)) {
      return folder;
    }
    try {
      Files.createDirectories(folder.getParent());
      if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
        Files.createDirectory(folder, PosixFilePermissions.asFileAttribute(PRIVATE));
      } else {
        Files.createDirectory(folder);
      }
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(folder)) {
        throw cannotWrite(folder, e);
      }
    } catch (IOException | SecurityException e) {
      throw cannotWrite(folder, e);
    }
    return folder;
  }

  /**
   * Returns the one-line failure for a cache folder this JVM cannot create or write.
   *
   * @param folder the folder
   * @param cause what failed
   * @return the exception to throw
   */
  static TorchScoreException cannotWrite(Path folder, Exception cause) {
    return new TorchScoreException(
        cause,
        "Cannot cache model: cannot create or write folder %s (%s: %s); set %s to a local folder"
            + " this user can write",
        folder,
        cause.getClass().getSimpleName(),
        TorchScoreException.firstLine(cause.getMessage()),
        ConfKeys.CACHE_DIR);
  }
}
