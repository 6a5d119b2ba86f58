package io.torchscore.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.torchscore.TorchScoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache folder is resolved in the JVM that fetches (each executor its own temp folder, per OS
 * user) unless spark.torchscore.cache.dir is set, is private to the user, a folder another user
 * owns or can write is refused, and a folder that cannot be written fails with one line naming it
 * and the setting.
 */
class CacheFolderTest {

  private static final int NOBODY = 65534;

  @TempDir Path temp;

  @Test
  void defaultsToAPerUserFolderInTheJvmsOwnTempFolder() {
    assertThat(CacheFolder.resolve(null, "/executor/tmp", "alice"))
        .isEqualTo(Path.of("/executor/tmp/torchscore-cache-alice"));
    assertThat(CacheFolder.resolve(null, "/executor/tmp", "bob"))
        .isEqualTo(Path.of("/executor/tmp/torchscore-cache-bob"));
  }

  @Test
  void anExplicitSettingWins() {
    assertThat(CacheFolder.resolve("/local_disk0/models", "/executor/tmp", "alice"))
        .isEqualTo(Path.of("/local_disk0/models"));
  }

  @Test
  void theBroadcastReferenceResolvesTheFolderWhereItIsUsed() {
    ModelRef ref = new ModelRef("file:/m.pt", "00", 1, 1, null, null);

    assertThat(ref.cacheDir())
        .isEqualTo(
            Path.of(
                    System.getProperty("java.io.tmpdir"),
                    "torchscore-cache-" + System.getProperty("user.name"))
                .toAbsolutePath()
                .toString());
  }

  @Test
  void createsTheFolderPrivateToTheUser() throws IOException {
    Path folder = CacheFolder.prepare(temp.resolve("cache").toString());

    assertThat(Files.getPosixFilePermissions(folder))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
  }

  @Test
  void aFolderThatCannotBeCreatedFailsWithOneLineNamingItAndTheSetting() throws IOException {
    Path folder = unwritableFolder();
    ModelRef ref = new ModelRef(fixture().toUri().toString(), "00", 1, 1, folder.toString(), null);

    assertThatThrownBy(() -> ModelFetcher.fetch(ref))
        .isInstanceOf(TorchScoreException.class)
        .hasMessageStartingWith("Cannot cache model: cannot create or write folder " + folder)
        .hasMessageContaining(
            "set spark.torchscore.cache.dir to a local folder this user can write")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void theDriverFailsTheSameWay() throws IOException {
    Path folder = unwritableFolder();

    assertThatThrownBy(
            () ->
                ModelFetcher.locate(
                    fixture().toString(), new Configuration(), 1, folder.toString(), null))
        .isInstanceOf(TorchScoreException.class)
        .hasMessageStartingWith("Cannot cache model: cannot create or write folder " + folder)
        .hasMessageContaining("spark.torchscore.cache.dir");
  }

  @Test
  void aFolderOthersCanWriteIsRefusedBeforeAnythingIsWrittenThere() throws IOException {
    Path shared = Files.createDirectory(temp.resolve("shared"));
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));

    assertThatThrownBy(() -> ModelFetcher.locate(fixture().toString(), new Configuration(), 1, shared.toString(), null))
        .isInstanceOf(TorchScoreException.class)
        .hasMessage(
            "Cannot use cache folder %s: it is owned by %s (uid %d) with mode rwxrwxrwx, and only a"
                + " folder of this user (%s, uid %d) that group and others cannot write is trusted"
                + " with models and native libraries; remove it, or set spark.torchscore.cache.dir"
                + " to a folder of your own (mkdir -m 700)",
            shared,
            System.getProperty("user.name"),
            uid(temp),
            System.getProperty("user.name"),
            uid(temp));
    try (Stream<Path> files = Files.list(shared)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void aFolderAnotherUserCreatedIsRefusedEvenIfOnlyTheyCanWriteIt() throws IOException {
    assumeTrue(uid(temp) == 0, "only root can give a folder to another user");
    Path planted = Files.createDirectory(temp.resolve("torchscore-cache-victim"));
    Files.setAttribute(planted, "unix:uid", NOBODY);
    Files.setPosixFilePermissions(planted, PosixFilePermissions.fromString("rwx------"));

    assertThatThrownBy(() -> CacheFolder.prepare(planted.toString()))
        .isInstanceOf(TorchScoreException.class)
        .hasMessageStartingWith("Cannot use cache folder " + planted + ": it is owned by ")
        .hasMessageContaining("(uid " + NOBODY + ") with mode rwx------");
  }

  @Test
  void aSymbolicLinkAnotherUserPlantedIsRefusedEvenIfItPointsAtOurFolder() throws IOException {
    assumeTrue(uid(temp) == 0, "only root can give a link to another user");
    Path ours = CacheFolder.prepare(temp.resolve("ours").toString());
    Path link = Files.createSymbolicLink(temp.resolve("link"), ours);
    Files.setAttribute(link, "unix:uid", NOBODY, LinkOption.NOFOLLOW_LINKS);

    assertThatThrownBy(() -> CacheFolder.prepare(link.toString()))
        .isInstanceOf(TorchScoreException.class)
        .hasMessageStartingWith("Cannot use cache folder " + link + ": it is a symbolic link owned by ");
  }

  @Test
  void aPrivateFolderOfOursIsUsedAsItIs() throws IOException {
    Path mine = Files.createDirectory(temp.resolve("mine"));
    Files.setPosixFilePermissions(mine, PosixFilePermissions.fromString("rwxr-x---"));

    assertThat(CacheFolder.prepare(mine.toString())).isEqualTo(mine);
    assertThat(Files.getPosixFilePermissions(mine)).isEqualTo(PosixFilePermissions.fromString("rwxr-x---"));
  }

  private static int uid(Path path) throws IOException {
    return (Integer) Files.getAttribute(path, "unix:uid");
  }

  /**
   * A folder under a read-only one; as root, where permissions are not enforced, a folder under a
   * regular file instead.
   */
  private Path unwritableFolder() throws IOException {
    Path readOnly = Files.createDirectory(temp.resolve("read-only"));
    Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-x------"));
    if (!Files.isWritable(readOnly)) {
      return readOnly.resolve("cache");
    }
    return Files.createFile(temp.resolve("a-file")).resolve("cache");
  }

  private static Path fixture() {
    return Paths.get("src/test/resources/fixtures/tutorial_mlp.pt").toAbsolutePath();
  }
}
