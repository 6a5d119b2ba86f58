package io.torchscore.model;

import io.torchscore.TorchScoreException;
import io.torchscore.config.ConfKeys;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The local folder models and DJL's native libraries are copied to, resolved in the JVM that uses
 * it (each executor its own): {@code spark.torchscore.cache.dir} when set, else {@code
 * torchscore-cache-<OS user>} in the JVM's {@code java.io.tmpdir}, so two users of one host never
 * share cache files.
 *
 * <p>A folder is trusted only if this user owns it and nobody else can write it: another local
 * user who created it first (in a shared {@code /tmp}) could otherwise plant a model or a native
 * library that this user's JVM would load.
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
   * @throws TorchScoreException naming the folder and the setting when it cannot be created, or
   *     naming its owner and mode when another user owns it or can write it
   */
  static Path prepare(String setting) {
    Path folder = resolve(setting);
    if (!Files.isDirectory(folder)) {
      create(folder);
    }
    checkTrusted(folder);
    return folder;
  }

  private static void create(Path folder) {
    try {
      Files.createDirectories(folder.getParent());
      if (isPosix()) {
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
  }

  /**
   * Checks that this user owns the folder (and the link, when it is a symbolic link) and that
   * neither its group nor others can write it.
   *
   * @param folder an existing folder
   * @throws TorchScoreException naming the folder, its owner and mode, and the fix, when it is not
   */
  static void checkTrusted(Path folder) {
    if (!isPosix()) {
      return;
    }
    try {
      int self = currentUid();
      PosixFileAttributes link = Files.readAttributes(folder, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (link.isSymbolicLink()) {
        requireTrusted(folder, link, uid(folder, LinkOption.NOFOLLOW_LINKS), self, true);
      }
      requireTrusted(folder, Files.readAttributes(folder, PosixFileAttributes.class), uid(folder), self, false);
    } catch (IOException e) {
      throw cannotWrite(folder, e);
    }
  }

  private static void requireTrusted(
      Path folder, PosixFileAttributes attributes, int owner, int self, boolean link) {
    Set<PosixFilePermission> mode = attributes.permissions();
    boolean othersWrite =
        !link
            && (mode.contains(PosixFilePermission.GROUP_WRITE)
                || mode.contains(PosixFilePermission.OTHERS_WRITE));
    TorchScoreException.check(
        owner == self && !othersWrite,
        "Cannot use cache folder %s: %s owned by %s (uid %d) with mode %s, and only a folder of"
            + " this user (%s, uid %d) that group and others cannot write is trusted with models"
            + " and native libraries; remove it, or set %s to a folder of your own (mkdir -m 700)",
        folder,
        link ? "it is a symbolic link" : "it is",
        attributes.owner().getName(),
        owner,
        PosixFilePermissions.toString(mode),
        System.getProperty("user.name"),
        self,
        ConfKeys.CACHE_DIR);
  }

  private static boolean isPosix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("unix");
  }

  /**
   * Returns this process's user id: the owner of {@code /proc/self}, or where there is no {@code
   * /proc} (macOS), the owner of a file this process creates.
   */
  private static int currentUid() throws IOException {
    Path self = Path.of("/proc/self");
    if (Files.exists(self)) {
      return uid(self);
    }
    Path probe = Files.createTempFile("torchscore-uid", ".probe");
    try {
      return uid(probe);
    } finally {
      Files.delete(probe);
    }
  }

  private static int uid(Path path, LinkOption... options) throws IOException {
    return (Integer) Files.getAttribute(path, "unix:uid", options);
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
