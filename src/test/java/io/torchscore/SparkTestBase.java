package io.torchscore;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * One local[2] Spark session per test class, UI off, and access to the committed fixtures.
 *
 * <p>Inputs come as rows by default. A subclass whose own {@code @BeforeAll} calls {@link
 * #selectInputPath selectInputPath(COLUMNAR)} runs every inherited test on inputs its scan reads as
 * columnar batches: {@link #fixtureTable}, {@link #partitioned} and {@link #asInput} then give
 * tables read directly from Parquet files in a folder of the class's own.
 */
public abstract class SparkTestBase {

  /** How the scoring step gets the tests' input tables. */
  protected enum InputPath {
    /** As rows: read from JSON, repartitioned by a shuffle, made in memory. */
    ROWS,
    /** As columnar batches: the same tables stored in Parquet and read back by the scan. */
    COLUMNAR
  }

  private static final String[] FILE_PARTITION_CONFS = {"spark.sql.files.openCostInBytes", "spark.sql.files.maxPartitionBytes"};

  protected static SparkSession spark;

  /** The path of this class's inputs; set by a subclass's {@code @BeforeAll}, reset after the class. */
  protected static InputPath inputPath = InputPath.ROWS;

  private static Path tables;
  private static int stored;

  @BeforeAll
  static void startSpark() {
    spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("torchscore-test")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "4")
            .getOrCreate();
  }

  @AfterAll
  static void stopSpark() throws IOException {
    if (inputPath == InputPath.COLUMNAR) {
      for (String conf : FILE_PARTITION_CONFS) {
        spark.conf().unset(conf);
      }
      try (Stream<Path> files = Files.walk(tables)) {
        files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
      }
      tables = null;
      inputPath = InputPath.ROWS;
    }
    spark.stop();
    spark = null;
  }

  /**
   * Selects the path of this class's inputs; for COLUMNAR, makes the folder of its Parquet tables
   * and lets each Parquet file be a partition of its own (a file's open cost is a whole partition's
   * bytes), as {@link #partitioned} needs. Call it from the subclass's {@code @BeforeAll}.
   */
  protected static void selectInputPath(InputPath path) throws IOException {
    inputPath = path;
    if (path == InputPath.COLUMNAR) {
      tables = Files.createTempDirectory("torchscore-columnar-");
      for (String conf : FILE_PARTITION_CONFS) {
        spark.conf().set(conf, "128m");
      }
    }
  }

  /** Returns the path of a committed fixture file (made by src/test/python/make_fixtures.py). */
  protected static Path fixture(String name) {
    return Paths.get("src/test/resources/fixtures", name).toAbsolutePath();
  }

  /** Reads a fixture's JSON-lines table with the given schema (DDL); on COLUMNAR, from Parquet. */
  protected static Dataset<Row> fixtureTable(String name, String ddl) {
    return asInput(spark.read().schema(StructType.fromDDL(ddl)).json(fixture(name).toString()));
  }

  /**
   * Returns the table in about {@code n} partitions: repartitioned on ROWS; on COLUMNAR,
   * repartitioned and stored in Parquet, one file (so one partition) for each non-empty partition.
   */
  protected static Dataset<Row> partitioned(Dataset<Row> table, int n) {
    return asInput(table.repartition(n));
  }

  /**
   * Returns the table as it is on ROWS; on COLUMNAR, stored in Parquet (a file for each of its
   * non-empty partitions, each row in its place) and read back, for a table made in memory or
   * computed.
   */
  protected static Dataset<Row> asInput(Dataset<Row> table) {
    if (inputPath == InputPath.ROWS) {
      return table;
    }
    String path = tables.resolve("table-" + stored++).toString();
    table.write().parquet(path);
    return spark.read().parquet(path);
  }

  /**
   * Returns the table cached on ROWS, so that every action sees the same partitions; as it is on
   * COLUMNAR, where its Parquet files fix them (and a cached table of arrays gives rows).
   */
  protected static Dataset<Row> cachedOnRows(Dataset<Row> table) {
    return inputPath == InputPath.ROWS ? table.cache() : table;
  }

  /** Asserts that the scoring step of {@code scored} reads the input path's rows or columnar batches. */
  protected static void assertPath(Dataset<Row> scored) {
    String plan = scored.queryExecution().executedPlan().toString();
    if (inputPath == InputPath.COLUMNAR) {
      assertThat(plan).as("the plan of a columnar input").contains("torchscore (columnar)");
    } else {
      assertThat(plan).as("the plan of a row input").contains("torchscore").doesNotContain("columnar");
    }
  }

  /** Returns the rows ordered by their {@code id} column. */
  protected static List<Row> byId(Dataset<Row> rows) {
    return rows.orderBy("id").collectAsList();
  }
}
