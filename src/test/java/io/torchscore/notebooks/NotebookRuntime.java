package io.torchscore.notebooks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * What a Databricks notebook finds ready: the session as {@code spark} and {@code display(df)},
 * here a stand-in that collects each displayed DataFrame's rows, as Databricks runs the action to
 * show them. The interpreter reaches these statics through the prelude of {@link ScalaNotebook}.
 */
public final class NotebookRuntime {

  /** One {@code display(...)}: the columns and the rows collected. */
  public record Displayed(List<String> columns, List<Row> rows) {}

  private static SparkSession spark;
  private static final List<Displayed> DISPLAYED = Collections.synchronizedList(new ArrayList<>());

  private NotebookRuntime() {}

  static void start(SparkSession session) {
    spark = session;
    DISPLAYED.clear();
  }

  /** Returns the session the notebook runs in. */
  public static SparkSession spark() {
    return spark;
  }

  /** Collects what the notebook displays. */
  public static void display(Dataset<?> frame) {
    Dataset<Row> rows = frame.toDF();
    DISPLAYED.add(new Displayed(List.of(rows.columns()), rows.collectAsList()));
  }

  static List<Displayed> displayed() {
    return List.copyOf(DISPLAYED);
  }
}
