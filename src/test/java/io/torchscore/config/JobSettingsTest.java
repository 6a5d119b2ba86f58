package io.torchscore.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.torchscore.TorchScoreException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JobSettingsTest {

  private static Map<String, String> minimal() {
    Map<String, String> conf = new HashMap<>();
    conf.put("spark.torchscore.model.path", "s3a://models/mlp.pt");
    conf.put("spark.torchscore.features", "features");
    conf.put("spark.torchscore.input.path", "/data/in");
    conf.put("spark.torchscore.output.path", "/data/out");
    return conf;
  }

  @Test
  void minimalSettingsTakeTheDocumentedDefaults() {
    JobSettings settings = JobSettings.fromConf(minimal());

    assertThat(settings.inputFormat()).isEqualTo("parquet");
    assertThat(settings.outputFormat()).isEqualTo("parquet");
    assertThat(settings.outputMode()).isEqualTo("errorifexists");
    assertThat(settings.reportPath()).isNull();
    assertThat(settings.inputOptions()).isEmpty();
    assertThat(settings.score().get(ConfKeys.PREDICTION_COLUMN)).isEqualTo("prediction");
    assertThat(settings.score().get(ConfKeys.BATCH_SIZE)).isEqualTo(BatchSize.AUTO);
    assertThat(settings.score().get(ConfKeys.BATCH_MAX_BYTES)).as("unset: it follows the device").isNull();
    assertThat(settings.score().get(ConfKeys.THREADS)).isZero();
    assertThat(settings.score().inputs()).containsExactly(List.of("features"));
    assertThat(settings.score().onError()).isEqualTo(ScoreSettings.OnError.FAIL);
    assertThat(settings.score().get(ConfKeys.ERROR_COLUMN)).isEqualTo("_error");
    assertThat(settings.score().rejectNaN()).isFalse();
    assertThat(settings.score().postprocess()).isEqualTo(ScoreSettings.Postprocess.NONE);
    assertThat(settings.score().image().resize()).isEqualTo(256);
    assertThat(settings.score().image().crop()).isEqualTo(224);
    assertThat(settings.rejectsPath()).isNull();
  }

  @Test
  void numericColumnsAreACommaSeparatedListInOrder() {
    Map<String, String> conf = minimal();
    conf.put("spark.torchscore.features", " b, a ,c");

    assertThat(JobSettings.fromConf(conf).score().inputs()).containsExactly(List.of("b", "a", "c"));
  }

  @Test
  void readerOptionsComeFromTheInputOptionPrefix() {
    Map<String, String> conf = minimal();
    conf.put("spark.torchscore.input.format", "csv");
    conf.put("spark.torchscore.input.option.header", "true");
    conf.put("spark.torchscore.input.option.inferSchema", "true");

    JobSettings settings = JobSettings.fromConf(conf);

    assertThat(settings.inputFormat()).isEqualTo("csv");
    assertThat(settings.inputOptions()).containsOnly(
        Map.entry("header", "true"), Map.entry("inferSchema", "true"));
  }

  static Stream<Arguments> badSettings() {
    return Stream.of(
        Arguments.of("spark.torchscore.model.path", null, "Missing setting spark.torchscore.model.path"),
        Arguments.of("spark.torchscore.features", null, "Missing setting spark.torchscore.features"),
        Arguments.of("spark.torchscore.features", "a,,b", "Invalid spark.torchscore.features=a,,b"),
        Arguments.of("spark.torchscore.input.path", null, "Missing setting spark.torchscore.input.path"),
        Arguments.of("spark.torchscore.output.path", " ", "Missing setting spark.torchscore.output.path"),
        Arguments.of("spark.torchscore.batch.size", "0", "Invalid spark.torchscore.batch.size=0: expected a whole number > 0 or auto"),
        Arguments.of("spark.torchscore.batch.size", "many", "Invalid spark.torchscore.batch.size=many: expected a whole number > 0 or auto"),
        Arguments.of("spark.torchscore.output.mode", "replace", "Invalid spark.torchscore.output.mode=replace: expected one of errorifexists, overwrite, append, ignore"),
        Arguments.of("spark.torchscore.threads", "-1", "Invalid spark.torchscore.threads=-1"),
        Arguments.of("spark.torchscore.batchsize", "1024", "Unknown setting spark.torchscore.batchsize: did you mean spark.torchscore.batch.size?"),
        Arguments.of("spark.torchscore.on.eror", "skip", "Unknown setting spark.torchscore.on.eror: did you mean spark.torchscore.on.error?"),
        Arguments.of("spark.torchscore.device", "cuda", "Invalid spark.torchscore.device=cuda: expected one of auto, cpu, gpu"),
        Arguments.of("spark.torchscore.precision", "int4", "Invalid spark.torchscore.precision=int4: expected one of auto, fp32, fp16"),
        Arguments.of("spark.torchscore.precision", "bf16", "Invalid spark.torchscore.precision=bf16: expected one of auto, fp32, fp16"),
        Arguments.of("spark.torchscore.gpu.concurrency", "0", "Invalid spark.torchscore.gpu.concurrency=0: expected a whole number > 0"),
        Arguments.of("spark.torchscore.cache.models", "none", "Invalid spark.torchscore.cache.models=none: expected a whole number"));
  }

  @ParameterizedTest(name = "{0}={1}")
  @MethodSource("badSettings")
  void eachBadSettingIsNamedWithWhatIsExpected(String key, String value, String message) {
    Map<String, String> conf = minimal();
    if (value == null) {
      conf.remove(key);
    } else {
      conf.put(key, value);
    }

    assertThatThrownBy(() -> JobSettings.fromConf(conf))
        .isInstanceOf(TorchScoreException.class)
        .hasMessageContaining(message);
  }

  @Test
  void outputModeIsCaseInsensitive() {
    Map<String, String> conf = minimal();
    conf.put("spark.torchscore.output.mode", "Overwrite");

    assertThat(JobSettings.fromConf(conf).outputMode()).isEqualTo("overwrite");
  }

  @Test
  void scoreSettingsCopyTheirInputs() {
    List<String> columns = new java.util.ArrayList<>(List.of("a"));
    ScoreSettings settings =
        ScoreSettings.builder().modelPath("m.pt").inputs(List.of(columns)).build();
    columns.add("b");

    assertThat(settings.inputs()).containsExactly(List.of("a"));
  }

  @ParameterizedTest(name = "report {0}, profile.dir {1}: traces in {2}")
  @MethodSource("traceFolders")
  void profilerTracesGoBesideTheReportUnlessAFolderIsSet(String report, String profileDir, String expected) {
    Map<String, String> conf = minimal();
    conf.put("spark.torchscore.profile", "true");
    if (report != null) {
      conf.put("spark.torchscore.report.path", report);
    }
    if (profileDir != null) {
      conf.put("spark.torchscore.profile.dir", profileDir);
    }

    ScoreSettings settings = JobSettings.fromConf(conf).score();

    assertThat(settings.get(ConfKeys.PROFILE)).isTrue();
    assertThat(settings.get(ConfKeys.PROFILE_BATCHES)).isEqualTo(5);
    assertThat(settings.get(ConfKeys.PROFILE_DIR)).isEqualTo(expected);
  }

  static Stream<Arguments> traceFolders() {
    return Stream.of(
        Arguments.of("/runs/2026-11-28/report.json", null, "/runs/2026-11-28"),
        Arguments.of("s3a://bucket/runs/report.json", null, "s3a://bucket/runs"),
        Arguments.of("file:/runs/report.json", null, "file:/runs"),
        Arguments.of("/runs/report.json", "hdfs:///traces", "hdfs:///traces"),
        Arguments.of(null, null, null));
  }

  @ParameterizedTest
  @MethodSource("badProfileValues")
  void profileSettingsAreChecked(String key, String value, String message) {
    Map<String, String> conf = minimal();
    conf.put(key, value);

    assertThatThrownBy(() -> JobSettings.fromConf(conf))
        .isInstanceOf(TorchScoreException.class)
        .hasMessageContaining(message);
  }

  static Stream<Arguments> badProfileValues() {
    return Stream.of(
        Arguments.of("spark.torchscore.profile", "yes", "Invalid spark.torchscore.profile=yes: expected true or false"),
        Arguments.of("spark.torchscore.profile.batches", "0", "Invalid spark.torchscore.profile.batches=0"));
  }
}
