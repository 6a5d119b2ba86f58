package io.torchscore.python;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The PySpark module, checked without PySpark (not installable here): parsed, and every JVM class,
 * method and argument count it calls checked against the jar by reflection.
 */
class PythonModuleTest {

  @Test
  void everyJvmCallOfTheModuleIsAPublicMethodWithThatArity() throws Exception {
    JvmCallCheck.Report report = JvmCallCheck.run(JvmCallCheck.MODULE);

    assertThat(report.problems()).isEmpty();
    assertThat(report.jvmCalls())
        .anyMatch(l -> l.startsWith("jvm\tstatic\tio.torchscore.spark.TorchScorer\tbuilder/0\t"))
        .anyMatch(l -> l.startsWith("jvm\tstatic\tio.torchscore.spark.TorchScorer\tfromConf/1\t"))
        .anyMatch(l -> l.startsWith("jvm\tinstance\tio.torchscore.spark.TorchScorer$Builder\toption/2\t"))
        .anyMatch(l -> l.startsWith("jvm\tinstance\tio.torchscore.spark.TorchScorer\tscore/1\t"))
        .anyMatch(l -> l.startsWith("jvm\tinstance\tio.torchscore.spark.ScoreResult\tmetrics/0\t"))
        .anyMatch(l -> l.startsWith("jvm\tinstance\tio.torchscore.spark.ScoreMetrics\tbadRowsByReason/0\t"));
    assertThat(report.settings()).contains("spark.torchscore.model.path", "spark.torchscore.features");
  }

  @Test
  void reportsACallThatTheJarDoesNotHave() throws Exception {
    JvmCallCheck.Report report = JvmCallCheck.run("src/test/resources/python/wrong_calls.py");

    assertThat(report.problems())
        .anyMatch(p -> p.contains("wrong_calls.py:5: io.torchscore.spark.TorchScorer has no public static method builder taking 1 arguments"))
        .anyMatch(p -> p.contains("wrong_calls.py:6: no class io.torchscore.spark.Scorer"))
        .anyMatch(p -> p.contains("wrong_calls.py:7: io.torchscore.config.ScoreSettings$Builder has no public method scoreAll taking 1 arguments"))
        .anyMatch(p -> p.contains("spark.torchscore.batch.sise is not a torchscore setting"))
        .anyMatch(p -> p.contains("wrong_calls.py:9: Builder has no method modelpath"));
  }
}
