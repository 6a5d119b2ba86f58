package io.torchscore.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

/**
 * The Hadoop configuration a session's own reads use: the context's, plus what the session set
 * with {@code spark.conf.set} (for example {@code fs.s3a.*} credentials in a notebook), as Spark's
 * own file sources see it. Models and labels are read with it.
 */
final class SessionHadoopConf {

  private static final String HADOOP_PREFIX = "spark.hadoop.";

  private SessionHadoopConf() {}

  static Configuration of(SparkSession spark) {
    Configuration conf = new Configuration(spark.sparkContext().hadoopConfiguration());
    // An iterator and tuples only: Scala's collection APIs differ between Spark 3.5 and 4.x.
    scala.collection.Iterator<Tuple2<String, String>> entries = spark.conf().getAll().iterator();
    while (entries.hasNext()) {
      Tuple2<String, String> entry = entries.next();
      if (entry._2() == null) {
        continue;
      }
      String key = entry._1();
      conf.set(key.startsWith(HADOOP_PREFIX) ? key.substring(HADOOP_PREFIX.length()) : key, entry._2());
    }
    return conf;
  }
}
