package io.torchscore.cluster;

import io.torchscore.spark.TorchScorer;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.StructType;

/**
 * A Structured Streaming driver, as a notebook or a service would run one: scores the JSON files
 * in a folder that its checkpoint has not seen yet with the session's {@code spark.torchscore.*}
 * settings, writes the scored rows as JSON, and stops ({@code Trigger.AvailableNow}). Test code:
 * {@link ScoringRun#runMain} starts it in a JVM of its own.
 *
 * <p>Arguments: the properties file (Spark conf, torchscore settings included), the input folder,
 * the output folder, the checkpoint folder.
 */
public final class StreamingDriver {

  /** The input rows' schema: an id and the tutorial MLP's 10 features. */
  static final String DDL = "id BIGINT, features ARRAY<FLOAT>";

  private StreamingDriver() {}

  /**
   * Runs the query to the end of the input there is.
   *
   * @param args properties file, input folder, output folder, checkpoint folder
   * @throws Exception when the query fails
   */
  public static void main(String[] args) throws Exception {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(Path.of(args[0]))) {
      properties.load(reader);
    }
    SparkConf conf = new SparkConf();
    properties.stringPropertyNames().forEach(key -> conf.set(key, properties.getProperty(key)));
    SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
    try {
      Dataset<Row> stream = spark.readStream().schema(StructType.fromDDL(DDL)).json(args[1]);
      Dataset<Row> scored = TorchScorer.fromConf(spark).transform(stream);
      // Through the session, not DataStreamWriter.option: its return type differs between Spark
      // 3.5 and 4.0 in bytecode. The query's checkpoint is the folder named after it in there.
      spark.conf().set("spark.sql.streaming.checkpointLocation", args[3]);
      scored
          .writeStream()
          .format("json")
          .queryName("scores")
          .trigger(Trigger.AvailableNow())
          .start(args[2])
          .awaitTermination();
    } finally {
      spark.stop();
    }
  }
}
