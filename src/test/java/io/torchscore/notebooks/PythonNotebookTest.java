package io.torchscore.notebooks;

import static org.assertj.core.api.Assertions.assertThat;

import io.torchscore.notebooks.DatabricksNotebook.Kind;
import io.torchscore.python.JvmCallCheck;
import io.torchscore.spark.PythonModule;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Python notebook, checked without PySpark (not installable here): its calls on the
 * torchscore module are checked against the module's methods and arities, its own and the
 * module's JVM calls against the jar (PythonModuleTest), its {@code spark.torchscore.*} keys
 * against the declared settings, and the cell that imports the module is run with a stub pyspark.
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
  void makesItsModelAndGetsTheModuleThroughTheJvmWithoutAddPyFile() throws Exception {
    JvmCallCheck.Report report = JvmCallCheck.run(NOTEBOOK);
    DatabricksNotebook notebook = DatabricksNotebook.read(Path.of(NOTEBOOK));

    assertThat(report.jvmCalls())
        .anyMatch(l -> l.startsWith("jvm\tstatic\tio.torchscore.demo.DemoFiles\tcopyTutorialMlp/2\t"))
        .anyMatch(l -> l.startsWith("jvm\tstatic\tio.torchscore.spark.PythonModule\tsource/0\t"));
    assertThat(notebook.cells(Kind.CODE)).noneMatch(cell -> cell.text().contains("addPyFile"));
  }

  /** The cell runs in Python 3 with a stub pyspark, its JVM call answered by PythonModule.source(). */
  @Test
  void itsImportCellWritesTheModuleTheJvmGivesToAFolderOnThePathAndImportsIt() throws Exception {
    String cell =
        DatabricksNotebook.read(Path.of(NOTEBOOK)).cells(Kind.CODE).stream()
            .map(DatabricksNotebook.Cell::text)
            .filter(text -> text.contains("PythonModule.source()"))
            .findFirst()
            .orElseThrow();
    Path folder = Files.createTempDirectory("import-cell");
    Path cellFile = Files.writeString(folder.resolve("cell.py"), cell);
    Path module = Files.writeString(folder.resolve("from_the_jvm.py"), PythonModule.source());

    Process process =
        new ProcessBuilder("python3", "src/test/python/notebook_import_cell.py", cellFile.toString(), module.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(out).isZero();

    List<String> lines = out.lines().toList();
    assertThat(lines).hasSize(2).endsWith("imported TorchScorer");
    Path imported = Path.of(lines.get(0).substring("module ".length()));
    assertThat(imported.getFileName()).hasToString("torchscore.py");
    assertThat(imported.getParent().getFileName().toString()).startsWith("torchscore-");
    assertThat(imported).hasSameTextualContentAs(Path.of(JvmCallCheck.MODULE));
  }

  @Test
  void runsTheSameSqlAsTheScalaNotebook() throws Exception {
    DatabricksNotebook python = DatabricksNotebook.read(Path.of(NOTEBOOK));
    DatabricksNotebook scala = DatabricksNotebook.read(Path.of("notebooks/score_table.scala"));

    assertThat(python.cells(Kind.SQL)).isNotEmpty().isEqualTo(scala.cells(Kind.SQL));
  }
}
