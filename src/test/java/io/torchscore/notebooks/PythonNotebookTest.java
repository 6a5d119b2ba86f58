package io.torchscore.notebooks;

import static org.assertj.core.api.Assertions.assertThat;

import io.torchscore.notebooks.DatabricksNotebook.Kind;
import io.torchscore.python.JvmCallCheck;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Python notebook, checked without PySpark (not installable here): its calls on the
 * torchscore module are checked against the module's methods and arities, the module's own JVM
 * calls against the jar (PythonModuleTest), and its {@code spark.torchscore.*} keys against the
 * declared settings.
 */
class PythonNotebookTest {

  private static final String NOTEBOOK = "notebooks/score_table.py";

  @Test
  void everyCallOnTheModuleExistsAndEverySettingIsReal() throws Exception {
    JvmCallCheck.Report report = JvmCallCheck.run(NOTEBOOK);

    assertThat(report.problems()).isEmpty();
    List<String> calls =
        report.pythonCalls().stream().map(l -> l.split("\t")[1] + "." + l.split("\t")[2]).toList();
    assertThat(calls)
        .contains(
            "TorchScorer.builder", "Builder.modelPath", "Builder.featuresCol", "Builder.option",
            "Builder.build", "TorchScorer.transform", "TorchScorer.fromConf", "TorchScorer.score",
            "ScoreResult.scored", "ScoreResult.metrics", "ScoreMetrics.asDict");
    assertThat(report.settings())
        .contains(
            "spark.torchscore.model.path", "spark.torchscore.features",
            "spark.torchscore.prediction.column", "spark.torchscore.on.error",
            "spark.torchscore.batch.size");
  }

  @Test
  void runsTheSameSqlAsTheScalaNotebook() throws Exception {
    DatabricksNotebook python = DatabricksNotebook.read(Path.of(NOTEBOOK));
    DatabricksNotebook scala = DatabricksNotebook.read(Path.of("notebooks/score_table.scala"));

    assertThat(python.cells(Kind.SQL)).isNotEmpty().isEqualTo(scala.cells(Kind.SQL));
  }
}
