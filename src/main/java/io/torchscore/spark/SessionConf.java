package io.torchscore.spark;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

/**
 * A session's own settings: what {@code spark.conf.set} (or the session builder) gave it, on top
 * of the context's, read without Scala collection APIs, which differ between Spark 3.5 and 4.x.
 */
public final class SessionConf {

  private static final String HADOOP_PREFIX = "spark.hadoop.";

  private SessionConf() {}

  /**
   * Returns the session's conf entries.
   *
   * @param spark the session
   * @return key to value, as {@code spark.conf.getAll} gives them
   */
  public static Map<String, String> entries(SparkSession spark) {
    Map<String, String> conf = new LinkedHashMap<>();
    // An iterator and tuples only: their bytecode is the same in Scala 2.12 and 2.13.
    scala.collection.Iterator<Tuple2<String, String>> entries = spark.conf().getAll().iterator();
    while (entries.hasNext()) {
      Tuple2<String, String> entry = entries.next();
      if (entry._2() != null) {
        conf.put(entry._1(), entry._2());
      }
    }
    return conf;
  }

  /**
   * Returns the Hadoop configuration the session's own reads use: the context's, plus what the
   * session set (for example {@code fs.s3a.*} credentials in a notebook), as Spark's file sources
   * see it. Models and labels are read with it.
   */
  public static Configuration hadoop(SparkSession spark) {
    Configuration conf = new Configuration(spark.sparkContext().hadoopConfiguration());
    entries(spark).forEach(
        (key, value) -> conf.set(key.startsWith(HADOOP_PREFIX) ? key.substring(HADOOP_PREFIX.length()) : key, value));
    return conf;
  }
}
