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
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.LongStream;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the Scala notebooks' code cells in order in a Scala 2.13 interpreter against a local
 * session, with {@code display} collecting what it is given and {@code %sql} cells run through
 * {@code spark.sql}, and checks what was displayed against PyTorch's outputs or the model computed
 * by hand. The notebooks make their own input and copy their models; the test only points their
 * paths at an empty temporary folder. Skipped on Scala 2.12 (the spark-3.5 profile), where no 2.13
 * interpreter can load Spark's classes.
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

  /** The tutorial MLP's output for each displayed row, computed by hand from its features. */
  private static void assertScores(Displayed shown, TutorialMlpByHand mlp) {
    for (Row row : shown.rows()) {
      double want = mlp.apply(row.getList(row.fieldIndex("features")));
      assertThat((double) row.getFloat(row.fieldIndex("score"))).isCloseTo(want, within(1e-5));
    }
  }

  @Test
  void scoreTableNotebookMakesItsTableAndModelAndDisplaysTheModelsOutputThroughBothApisAndSql()
      throws IOException {
    Path folder = Files.createTempDirectory("notebook-table");
    Path model = folder.resolve("tutorial_mlp.pt");
    TutorialMlpByHand mlp = TutorialMlpByHand.read(Path.of("jobs/models/tutorial_mlp.pt"));
    DatabricksNotebook notebook = DatabricksNotebook.read(Path.of("notebooks/score_table.scala"));
    long[] scoredRows = new long[2];

    runAll(
        notebook,
        "val modelPath = \"" + model + "\"\nval inputPath = \"" + folder.resolve("customer_features") + "\"",
        Map.of("val metrics", repl -> {
          ScoreMetrics metrics = (ScoreMetrics) repl.value("metrics");
          scoredRows[0] = metrics.rows();
          scoredRows[1] = metrics.nulled();
        }));

    assertThat(model).hasSameBinaryContentAs(Path.of("jobs/models/tutorial_mlp.pt"));
    List<Displayed> shown = NotebookRuntime.displayed();
    assertThat(shown).hasSize(4);
    assertThat(shown.get(0).columns()).containsExactly("id", "features");
    assertThat(shown.get(0).rows()).hasSize(5).allMatch(row -> row.getList(1).size() == 10);
    assertThat(shown.get(1).columns()).containsExactly("id", "features", "score");
    assertThat(shown.get(1).rows()).hasSize(5000);
    assertThat(shown.get(1).rows().stream().map(row -> row.getLong(0)).toList())
        .isEqualTo(LongStream.range(0, 5000).boxed().toList());
    assertScores(shown.get(1), mlp);
    assertThat(shown.get(2).columns()).containsExactly("id", "features", "score", "_error");
    assertThat(shown.get(2).rows()).hasSize(5000).allMatch(row -> row.isNullAt(row.fieldIndex("_error")));
    assertScores(shown.get(2), mlp);
    assertThat(scoredRows).containsExactly(5000, 0);
    List<Long> topTen =
        shown.get(1).rows().stream()
            .sorted(Comparator.comparingDouble((Row row) -> mlp.apply(row.getList(1))).reversed())
            .limit(10)
            .map(row -> row.getLong(0))
            .toList();
    assertThat(shown.get(3).columns()).containsExactly("id", "score");
    assertThat(shown.get(3).rows().stream().map(row -> row.getLong(0)).toList()).isEqualTo(topTen);
    assertThat(spark.conf().get("spark.torchscore.model.path", null)).isNull();
  }

  @Test
  void scoreImagesNotebookCopiesItsImagesAndClassifierAndLabelsThemOnceWithPyTorchsTopFive()
      throws Exception {
    Path folder = Files.createTempDirectory("notebook-images");
    Map<String, JsonNode> expected = new LinkedHashMap<>();
    ObjectMapper json = new ObjectMapper();
    for (String line : Files.readAllLines(fixture("image_classifier.jsonl"))) {
      JsonNode row = json.readTree(line);
      expected.put(row.get("name").asText(), row);
    }
    DatabricksNotebook notebook = DatabricksNotebook.read(Path.of("notebooks/score_images.scala"));
    long[] classified = new long[2];
    RowsThroughTheModel passes = new RowsThroughTheModel();
    spark.sparkContext().addSparkListener(passes);

    runAll(
        notebook,
        String.join(
            "\n",
            "val imageFolder = \"" + folder.resolve("images") + "\"",
            "val modelPath = \"" + folder.resolve("image_classifier.pt") + "\"",
            "val labelsPath = \"" + folder.resolve("image_labels.txt") + "\""),
        Map.of("val metrics", repl -> {
          ScoreMetrics metrics = (ScoreMetrics) repl.value("metrics");
          classified[0] = metrics.rows();
          classified[1] = metrics.nulled();
        }));
    // Listeners hear of a task after it ended.
    spark.sparkContext().listenerBus().waitUntilEmpty();
    spark.sparkContext().removeSparkListener(passes);

    List<Displayed> shown = NotebookRuntime.displayed();
    assertThat(shown).hasSize(5);
    assertThat(shown.get(0).rows())
        .extracting(row -> fileName(row.getString(0)))
        .containsExactlyInAnyOrder("image_0.png", "image_1.jpg", "image_2.png", "image_3.jpg", "truncated.jpg");
    assertThat(shown.get(1).columns()).containsExactly("path", "top5");
    assertThat(shown.get(1).rows()).hasSize(5);
    for (Row row : shown.get(1).rows()) {
      String name = fileName(row.getString(0));
      if (name.equals("truncated.jpg")) {
        assertThat(row.isNullAt(1)).isTrue();
        continue;
      }
      JsonNode want = expected.get(name);
      // Java's decoding and resizing differ from PIL's by a few 8-bit levels at most.
      List<Row> top5 = row.getList(1);
      assertThat(top5).hasSize(5);
      for (int k = 0; k < 5; k++) {
        assertThat(top5.get(k).getInt(0)).isEqualTo(want.get("top5_index").get(k).asInt());
        assertThat(top5.get(k).getString(1)).isEqualTo(want.get("top5_label").get(k).asText());
        assertThat((double) top5.get(k).getFloat(2))
            .isCloseTo(want.get("top5_score").get(k).asDouble(), within(1e-3));
      }
    }
    assertThat(shown.get(2).columns()).containsExactly("path", "rank", "label", "score");
    assertThat(shown.get(2).rows()).hasSize(20);
    for (Row row : shown.get(2).rows()) {
      JsonNode want = expected.get(fileName(row.getString(0)));
      assertThat(row.getString(2)).isEqualTo(want.get("top5_label").get(row.getInt(1) - 1).asText());
    }
    assertThat(shown.get(3).rows()).singleElement()
        .satisfies(row -> {
          assertThat(fileName(row.getString(0))).isEqualTo("truncated.jpg");
          assertThat(row.getString(1)).startsWith("undecodable_image: ");
        });
    String firstLabel = expected.get("image_0.png").get("top5_label").get(0).asText();
    assertThat(expected.values()).allMatch(want -> want.get("top5_label").get(0).asText().equals(firstLabel));
    assertThat(shown.get(4).columns()).containsExactly("label", "images", "average_score");
    assertThat(shown.get(4).rows()).singleElement()
        .satisfies(row -> {
          assertThat(row.getString(0)).isEqualTo(firstLabel);
          assertThat(row.getLong(1)).isEqualTo(4);
        });
    assertThat(classified).containsExactly(4, 1);
    // Four cells read the labels, from what one pass of the model over the five files persisted.
    assertThat(passes.rows).hasValue(5);
    assertThat(spark.sharedState().cacheManager().isEmpty()).isTrue();
  }

  /** Adds up the rows given to the model by every task that ran it: a second pass adds again. */
  private static final class RowsThroughTheModel extends SparkListener {

    private static final Set<String> NAMES = Set.of(ScoreMetrics.ROWS_NAME, ScoreMetrics.BAD_ROWS_NAME);

    private final AtomicLong rows = new AtomicLong();

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
      scala.collection.Iterator<AccumulableInfo> infos = end.taskInfo().accumulables().iterator();
      while (infos.hasNext()) {
        AccumulableInfo info = infos.next();
        if (info.name().isDefined() && NAMES.contains(info.name().get()) && info.update().isDefined()) {
          rows.addAndGet(((Number) info.update().get()).longValue());
        }
      }
    }
  }

  private static String fileName(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }
}
