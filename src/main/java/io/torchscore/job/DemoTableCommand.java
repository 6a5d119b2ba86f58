package io.torchscore.job;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.randn;

import java.util.concurrent.Callable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Writes the demo's input: a Parquet table of ids and 10-float {@code features} arrays. */
@Command(
    name = "demo-table",
    mixinStandardHelpOptions = true,
    description = "Writes a Parquet table of random 10-float feature rows for the demo.")
public final class DemoTableCommand implements Callable<Integer> {

  @Option(names = "--rows", defaultValue = "100000", description = "Rows to write.")
  private long rows;

  @Option(names = "--width", defaultValue = "10", description = "Features per row.")
  private int width;

  @Option(names = "--partitions", defaultValue = "4", description = "Files to write.")
  private int partitions;

  @Option(names = "--out", required = true, description = "The folder to write.")
  private String out;

  @Spec private CommandSpec spec;

  /**
   * Runs the command and exits with its code.
   *
   * @param args the command-line arguments
   */
  public static void main(String[] args) {
    System.exit(new CommandLine(new DemoTableCommand()).execute(args));
  }

  @Override
  public Integer call() {
    long start = System.nanoTime();
    SparkSession spark =
        SparkSession.builder().master("local[*]").appName("torchscore-demo-table").getOrCreate();
    try {
      Column[] features = new Column[width];
      for (int i = 0; i < width; i++) {
        features[i] = randn(i).cast("float");
      }
      spark
          .range(0, rows, 1, partitions)
          .select(col("id"), array(features).as("features"))
          .write()
          .mode("overwrite")
          .parquet(out);
      spec.commandLine()
          .getErr()
          .printf("demo: wrote %,d rows to %s in %.0f s%n", rows, out, (System.nanoTime() - start) / 1e9);
      return 0;
    } finally {
      spark.stop();
    }
  }
}
