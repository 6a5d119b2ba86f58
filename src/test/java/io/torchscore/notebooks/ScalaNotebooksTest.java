package io.torchscore.notebooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.torchscore.SparkTestBase;
import io.torchscore.notebooks.DatabricksNotebook.Cell;
import io.torchscore.notebooks.DatabricksNotebook.Kind;
import io.torchscore.notebooks.NotebookRuntime.Displayed;
import io.torchscore.spark.ScoreMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the Scala notebooks' code cells in order in a Scala 2.13 interpreter against a local
 * session, with {@code display} collecting what it is given and {@code %sql} cells run through
 * {@code spark.sql}, and checks what was displayed against PyTorch's outputs. Skipped on Scala
 * 2.12 (the spark-3.5 profile), where no 2.13 interpreter can load Spark's classes.
 */
class ScalaNotebooksTest extends SparkTestBase {

  @BeforeAll
  static void needsScala213() {
    assumeTrue(
        scala.util.Properties.versionNumberString().startsWith("2.13."),
        "the notebooks run in a Scala 2.13 interpreter; this Spark uses Scala "
            + scala.util.Properties.versionNumberString());
  }

  /**
   * Runs every cell; after the cell marked {@code // Parameters}, runs the test's own values, and
   * after a cell containing a marker, that marker's check.
   */
  private static void runAll(DatabricksNotebook notebook, String parameters, Map<String, Consumer<ScalaNotebook>> after) {
    NotebookRuntime.start(spark);
    boolean parametersSeen = false;
    try (ScalaNotebook repl = new ScalaNotebook()) {
      for (Cell cell : notebook.cells()) {
        if (cell.kind() == Kind.SQL) {
          NotebookRuntime.display(spark.sql(cell.text()));
        } else if (cell.kind() == Kind.CODE) {
          repl.run(cell.text());
          if (cell.text().startsWith("// Parameters")) {
            repl.run(parameters);
            parametersSeen = true;
          }
          after.forEach((marker, check) -> {
            if (cell.text().contains(marker)) {
              check.accept(repl);
            }
          });
        }
      }
      assertThat(parametersSeen).as("a code cell starting with // Parameters").isTrue();
    }
  }

  private static Map<Long, Double> expectedById(String fixture) throws IOException {
    Map<Long, Double> expected = new LinkedHashMap<>();
    ObjectMapper json = new ObjectMapper();
    for (String line : Files.readAllLines(fixture(fixture))) {
      JsonNode row = json.readTree(line);
      expected.put(row.get("id").asLong(), row.get("expected").asDouble());
    }
    return expected;
  }

  private static void assertScores(Displayed shown, Map<Long, Double> expected) {
    assertThat(shown.rows()).hasSize(expected.size());
    for (Row row : shown.rows()) {
      double want = expected.get(row.getLong(row.fieldIndex("id")));
      assertThat((double) row.getFloat(row.fieldIndex("score"))).isCloseTo(want, within(1e-5));
    }
  }

  @Test
  void scoreTableNotebookDisplaysPyTorchsPredictionsThroughBothApisAndSql() throws IOException {
    Map<Long, Double> expected = expectedById("tutorial_mlp.jsonl");
    fixtureTable("tutorial_mlp.jsonl", "id BIGINT, features ARRAY<FLOAT>, expected DOUBLE")
        .select("id", "features")
        .createOrReplaceTempView("tutorial_rows");
    DatabricksNotebook notebook = DatabricksNotebook.read(Path.of("notebooks/score_table.scala"));
    long[] scoredRows = new long[2];

    runAll(
        notebook,
        "val modelPath = \"" + fixture("tutorial_mlp.pt") + "\"\nval inputTable = \"tutorial_rows\"",
        // Read right after the cell: the SQL cell scores the view again and adds to the counters.
        Map.of("val metrics", repl -> {
          ScoreMetrics metrics = (ScoreMetrics) repl.value("metrics");
          scoredRows[0] = metrics.rows();
          scoredRows[1] = metrics.nulled();
        }));

    List<Displayed> shown = NotebookRuntime.displayed();
    assertThat(shown).hasSize(4);
    assertThat(shown.get(0).columns()).containsExactly("id", "features");
    assertThat(shown.get(0).rows()).hasSize(5);
    assertThat(shown.get(1).columns()).containsExactly("id", "features", "score");
    assertScores(shown.get(1), expected);
    assertThat(shown.get(2).columns()).containsExactly("id", "features", "score", "_error");
    assertScores(shown.get(2), expected);
    assertThat(shown.get(2).rows()).allMatch(row -> row.isNullAt(row.fieldIndex("_error")));
    assertThat(scoredRows).containsExactly(expected.size(), 0);
    List<Long> topTen =
        expected.entrySet().stream()
            .sorted(Map.Entry.<Long, Double>comparingByValue(Comparator.reverseOrder()))
            .limit(10)
            .map(Map.Entry::getKey)
            .toList();
    assertThat(shown.get(3).columns()).containsExactly("id", "score");
    assertThat(shown.get(3).rows().stream().map(row -> row.getLong(0)).toList()).isEqualTo(topTen);
    assertThat(spark.conf().get("spark.torchscore.model.path", null)).isNull();
  }
}
