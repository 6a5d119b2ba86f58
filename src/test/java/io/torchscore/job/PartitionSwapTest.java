package io.torchscore.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.torchscore.SparkTestBase;
import io.torchscore.config.ConfKeys;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The partitioned overwrite's swap itself: when moving a partition into place fails half-way, the
 * partitions already moved are put back and the output is as it was, {@code _SUCCESS} included.
 */
class PartitionSwapTest extends SparkTestBase {

  /** A local file system, as {@code failrename:}, whose rename of a staged partition can be made to fail. */
  public static final class FailingRenameFileSystem extends RawLocalFileSystem {

    /** Counts down over renames of staged partitions into place; the one reaching 0 fails. */
    static final AtomicInteger PARTITION_RENAMES_LEFT = new AtomicInteger(Integer.MAX_VALUE);

    @Override
    public URI getUri() {
      return URI.create("failrename:///");
    }

    @Override
    public String getScheme() {
      return "failrename";
    }

    @Override
    public boolean rename(org.apache.hadoop.fs.Path src, org.apache.hadoop.fs.Path dst) throws IOException {
      boolean stagedPartition =
          src.toString().contains(".torchscore-staging-") && src.getName().startsWith("day=");
      if (stagedPartition && PARTITION_RENAMES_LEFT.decrementAndGet() == 0) {
        return false;
      }
      return super.rename(src, dst);
    }
  }

  @TempDir Path dir;

  @BeforeAll
  static void registerFileSystem() {
    spark.sparkContext().hadoopConfiguration().set("fs.failrename.impl", FailingRenameFileSystem.class.getName());
    spark.sparkContext().hadoopConfiguration().set("fs.failrename.impl.disable.cache", "true");
  }

  private static List<String> tree(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files
          .map(p -> root.relativize(p).toString())
          .filter(name -> !name.isEmpty() && !name.contains(".crc"))
          .sorted()
          .toList();
    }
  }

  @Test
  void aRenameFailingHalfWayPutsBackWhatMovedAndLeavesTheOutputAsItWas() throws IOException {
    Path scored = dir.resolve("scored");
    Files.createDirectories(scored.resolve("day=1"));
    Files.createDirectories(scored.resolve("day=2"));
    Files.writeString(scored.resolve("day=1/part-0.parquet"), "old day 1");
    Files.writeString(scored.resolve("day=2/part-0.parquet"), "old day 2");
    Files.createFile(scored.resolve("_SUCCESS"));
    List<String> before = tree(scored);
    StagedOutput output =
        StagedOutput.plan(
            spark, ConfKeys.OUTPUT_PATH, "failrename://" + scored, "parquet", "overwrite", List.of("day"));
    output.write(spark.sql("SELECT id, CAST(id % 2 + 2 AS INT) AS day FROM range(10)"));
    // Days 2 and 3 are staged: the first moves into place, the second fails.
    FailingRenameFileSystem.PARTITION_RENAMES_LEFT.set(2);
    try {
      assertThatThrownBy(output::commit)
          .isInstanceOf(RunFailedException.class)
          .hasMessageStartingWith("Cannot commit output failrename://" + scored + ": cannot rename ");
    } finally {
      FailingRenameFileSystem.PARTITION_RENAMES_LEFT.set(Integer.MAX_VALUE);
      output.discard();
    }

    assertThat(tree(scored)).isEqualTo(before);
    assertThat(Files.readString(scored.resolve("day=2/part-0.parquet"))).isEqualTo("old day 2");
    try (Stream<Path> beside = Files.list(dir)) {
      assertThat(beside.map(p -> p.getFileName().toString())).containsExactly("scored");
    }
  }
}
