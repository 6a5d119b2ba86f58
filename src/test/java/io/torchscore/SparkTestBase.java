package io.torchscore;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** One local[2] Spark session per test class, UI off, and access to the committed fixtures. */
public abstract class SparkTestBase {

  protected static SparkSession spark;

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
  static void stopSpark() {
    spark.stop();
    spark = null;
  }

  /** Returns the path of a committed fixture file (made by src/test/python/make_fixtures.py). */
  protected static Path fixture(String name) {
    return Paths.get("src/test/resources/fixtures", name).toAbsolutePath();
  }

  /** Reads a fixture's JSON-lines table with the given schema (DDL). */
  protected static Dataset<Row> fixtureTable(String name, String ddl) {
    return spark.read().schema(StructType.fromDDL(ddl)).json(fixture(name).toString());
  }

  /** Returns the rows ordered by their {@code id} column. */
  protected static List<Row> byId(Dataset<Row> rows) {
    return rows.orderBy("id").collectAsList();
  }
}
