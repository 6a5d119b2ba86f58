package example;

import io.torchscore.spark.TorchScorer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Appends a TorchScript model's predictions to a table: {@code ScoreExample <model.pt> <table.jsonl>}. */
public final class ScoreExample {
  public static void main(String[] args) {
    SparkSession spark = SparkSession.builder().master("local[2]").appName("score-example").getOrCreate();
    try {
      Dataset<Row> table = spark.read().schema("id BIGINT, features ARRAY<FLOAT>").json(args[1]);
      Dataset<Row> scored =
          TorchScorer.builder().modelPath(args[0]).featuresCol("features").build().transform(table);
      for (Row row : scored.orderBy("id").limit(5).collectAsList()) {
        System.out.println(row.getLong(0) + " " + row.getAs("prediction"));
      }
    } finally {
      spark.stop();
    }
  }
}
