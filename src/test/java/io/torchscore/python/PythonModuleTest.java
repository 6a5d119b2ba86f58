package io.torchscore.python;

import static org.assertj.core.api.Assertions.assertThat;

import io.torchscore.spark.PythonModule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The PySpark module, checked without PySpark (not installable here): parsed, every JVM class,
 * method and argument count it calls checked against the jar by reflection, and run against a
 * recording stand-in for Py4J's JVM view.
 */
class PythonModuleTest {

  private static final String CONNECT_REFUSED =
      "error Cannot use torchscore: this is a Spark Connect session (Databricks serverless or"
          + " standard access mode), which has no JVM; use classic (dedicated) compute";

  /** What the module called on a recording stand-in for the JVM gateway (module_with_fake_gateway.py). */
  static final List<String> EXPECTED_CALLS =
      List.of(
          "frame <transform> True",
          "frame <rejects>",
          "frame <transform>",
          "uid <uid>",
          "pipeline loader finds TorchScoreTransformer",
          "call io.torchscore.spark.TorchScorer.builder()",
          "call <builder>.option('batch.size', '1024')",
          "call <builder>.option('model.path', 'm.pt')",
          "call <builder>.option('features', 'age,income')",
          "call <builder>.option('spark.torchscore.on.error', 'null')",
          "call <builder>.option('input.shape', '2')",
          "call <builder>.option('prediction.column', 'churn')",
          "call <builder>.build()",
          "call <build>.transform(<jdf>)",
          "call io.torchscore.spark.TorchScorer.fromConf(<jsession>)",
          "call <fromConf>.score(<jdf>)",
          "call <score>.rejects()",
          "call <score>.metrics()",
          "call <metrics>.rows()",
          CONNECT_REFUSED,
          CONNECT_REFUSED,
          "error Cannot build a TorchScorer: no SparkContext is running; start a SparkSession first"
              + " or pass it to build(spark)",
          "call io.torchscore.spark.TorchScorer.builder()",
          "call <builder>.option('batch.size', 'auto')",
          "call <builder>.option('features', 'features')",
          "call <builder>.build()",
          "call io.torchscore.spark.TorchScoreTransformer('TorchScoreTransformer_0')",
          "call <TorchScoreTransformer>.setOption('model.path', 'm.pt')",
          "call <TorchScoreTransformer>.setOption('batch.size', '256')",
          "call <TorchScoreTransformer>.setOption('postprocess', 'softmax+topk')",
          "call <TorchScoreTransformer>.setOption('features', 'features')",
          "call <TorchScoreTransformer>.transform(<jdf>)",
          "call <TorchScoreTransformer>.scorer()",
          "call <TorchScoreTransformer>.setOption('image.crop', '0')",
          "call io.torchscore.spark.TorchScoreTransformer.load('/saved/stage')",
          "call io.torchscore.spark.TorchScoreTransformer('TorchScoreTransformer_0')",
          "call <load>.uid()");

  /** Imports the module from a folder or jar and returns what it printed, one line each. */
  static List<String> runWithFakeGateway(String path) throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder("python3", "src/test/python/module_with_fake_gateway.py", path)
            .redirectErrorStream(true)
            .start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(out).isZero();
    return out.lines().toList();
  }

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
        .anyMatch(l -> l.startsWith("jvm\tinstance\tio.torchscore.spark.ScoreMetrics\tbadRowsByReason/0\t"))
        .anyMatch(l -> l.startsWith("jvm\tstatic\tio.torchscore.spark.TorchScoreTransformer\t<init>/1\t"))
        .anyMatch(l -> l.startsWith("jvm\tinstance\tio.torchscore.spark.TorchScoreTransformer\tsetOption/2\t"))
        .anyMatch(l -> l.startsWith("jvm\tinstance\tio.torchscore.spark.TorchScoreTransformer\ttransform/1\t"))
        .anyMatch(l -> l.startsWith("jvm\tstatic\tio.torchscore.spark.TorchScoreTransformer\tload/1\t"));
    assertThat(report.settings()).contains("spark.torchscore.model.path", "spark.torchscore.features");
  }

  @Test
  void forwardsEverySettingAsTextToTheJavaBuilderAndWrapsWhatComesBack() throws Exception {
    List<String> lines = runWithFakeGateway("src/main/python");

    assertThat(lines.get(0)).endsWith("src/main/python/torchscore.py");
    assertThat(lines.subList(1, lines.size())).isEqualTo(EXPECTED_CALLS);
  }

  /**
   * The calls PySpark's own JavaTransformer, JavaMLWritable and Pipeline code make on the Java stage
   * behind the module's TorchScoreTransformer (pyspark/ml/wrapper.py, util.py, pipeline.py), which
   * the module's source does not show.
   */
  @Test
  void theJavaStageHasEveryMethodPySparkCallsOnIt() throws Exception {
    Class<?> stage = io.torchscore.spark.TorchScoreTransformer.class;

    assertThat(stage.getConstructor(String.class)).isNotNull();
    assertThat(stage.getMethod("uid").getReturnType()).isEqualTo(String.class);
    assertThat(stage.getMethod("transform", org.apache.spark.sql.Dataset.class)).isNotNull();
    assertThat(stage.getMethod("copy", org.apache.spark.ml.param.ParamMap.class).getReturnType())
        .isEqualTo(stage);
    assertThat(stage.getMethod("write").getReturnType()).isEqualTo(org.apache.spark.ml.util.MLWriter.class);
    assertThat(stage.getMethod("hasParam", String.class)).isNotNull();
    assertThat(stage.getMethod("getParam", String.class)).isNotNull();
    assertThat(stage.getMethod("extractParamMap")).isNotNull();
  }

  /** What a notebook writes to a file on its Python path (notebooks/score_table.py). */
  @Test
  void theJvmHandsOutTheModulesSource() throws Exception {
    assertThat(PythonModule.source()).isEqualTo(Files.readString(Path.of(JvmCallCheck.MODULE)));
  }

  @Test
  void reportsACallThatTheJarDoesNotHave() throws Exception {
    JvmCallCheck.Report report = JvmCallCheck.run("src/test/resources/python/wrong_calls.py");

    assertThat(report.problems())
        .anyMatch(p -> p.contains("wrong_calls.py:5: io.torchscore.spark.TorchScorer has no public static method builder taking 1 arguments"))
        .anyMatch(p -> p.contains("wrong_calls.py:6: no class io.torchscore.spark.Scorer"))
        .anyMatch(p -> p.contains("wrong_calls.py:7: io.torchscore.config.ScoreSettingsBuilder has no public method scoreAll taking 1 arguments"))
        .anyMatch(p -> p.contains("wrong_calls.py:8: spark.torchscore.batch.sise is not a torchscore setting"))
        .anyMatch(p -> p.contains("wrong_calls.py:9: Builder has no method modelpath"))
        .anyMatch(p -> p.contains("wrong_calls.py:11: spark.torchscore.batch.sise is not a torchscore setting"))
        .noneMatch(p -> p.contains("pathGlobFilter"));
  }
}
