package io.torchscore.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.torchscore.TorchScoreException;
import io.torchscore.config.BatchSize;
import io.torchscore.config.ConfKeys;
import io.torchscore.config.ImageSettings;
import io.torchscore.config.ScoreSettings;
import io.torchscore.config.Setting;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.ml.param.Param;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every scoring setting with a condition refuses an invalid value with the same one-line message
 * however it is given: the Spark conf, the builder (by key, by declaration, by its named setter),
 * the ML stage's {@code setOption} and its typed param. The Python module checks nothing itself: it
 * hands the value to the JVM as its conf text (PythonModuleTest records that).
 */
class SettingSurfacesTest {

  private static final float[] MEAN = ConfKeys.IMAGE_MEAN.defaultValue();
  private static final float[] STD = ConfKeys.IMAGE_STD.defaultValue();

  /** The builder's named setters that can be given an invalid value, by the setting each sets. */
  private static final Map<Setting<?>, BiConsumer<ScoreSettings.SettingsBuilder, String>> NAMED = namedSetters();

  /** Checked settings whose named setter takes an enum or a boolean, so it cannot be given a bad value. */
  private static final Set<Setting<?>> SET_FROM_ENUMS =
      Set.of(ConfKeys.OUTPUT_LAYOUT, ConfKeys.POSTPROCESS, ConfKeys.ON_ERROR, ConfKeys.NAN);

  static Stream<Setting<?>> checkedScoringSettings() {
    return ConfKeys.all(Setting.Scope.SCORING).stream().filter(setting -> setting.expected() != null);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("checkedScoringSettings")
  void anInvalidValueGetsOneMessageWhereverItIsGiven(Setting<?> setting) {
    String invalid = invalidValue(setting);
    // The ML params hold whole numbers as Integer and every other setting as its conf text; the
    // builder holds each setting's own type.
    Object param = setting.type() == Integer.class ? Integer.valueOf(invalid) : invalid;
    Object typed = setting.type() == BatchSize.class ? BatchSize.of(Integer.parseInt(invalid)) : param;
    String expected = "Invalid " + setting.key() + "=" + invalid + ": expected " + setting.expected();
    Map<String, Runnable> surfaces = new LinkedHashMap<>();
    if (!invalid.isBlank()) {
      // A blank conf value means "not set".
      surfaces.put("conf", () -> ScoreSettings.fromConf(Map.of(
          ConfKeys.MODEL_PATH.key(), "m.pt", ConfKeys.FEATURES.key(), "f", setting.key(), invalid)));
    }
    surfaces.put("builder option", () -> ScoreSettings.builder().option(setting.name(), invalid));
    surfaces.put("builder set", () -> ScoreSettings.builder().set(uncheckedCast(setting), typed));
    if (NAMED.containsKey(setting)) {
      surfaces.put("named setter", () -> NAMED.get(setting).accept(ScoreSettings.builder(), invalid));
    }
    surfaces.put("transformer setOption", () -> new TorchScoreTransformer().setOption(setting.name(), invalid));
    Param<Object> mlParam = uncheckedCast(new TorchScoreTransformer().getParam(setting.name()));
    surfaces.put("ML param", () -> mlParam.w(param));

    for (Map.Entry<String, Runnable> surface : surfaces.entrySet()) {
      Throwable thrown = catchThrowable(surface.getValue()::run);
      assertThat(thrown).as(surface.getKey()).isInstanceOf(TorchScoreException.class).hasMessage(expected);
    }
  }

  @Test
  void everyCheckedSettingIsGivenThroughItsNamedSetterOrHasOnlyEnumSetters() {
    assertThat(checkedScoringSettings().filter(s -> !SET_FROM_ENUMS.contains(s)).collect(Collectors.toSet()))
        .isEqualTo(NAMED.keySet());
  }

  @Test
  void everyScoringSettingIsAPythonKeywordAndTheModulesNamedSettersNameSettings() {
    for (Setting<?> setting : ConfKeys.all(Setting.Scope.SCORING)) {
      // The module turns a keyword into a key by replacing '_' with '.'.
      assertThat(setting.name().replace('.', '_')).as(setting.key()).matches("[a-z][a-z0-9_]*");
      assertThat(setting.name()).doesNotContain("_");
    }
    Matcher named = Pattern.compile("option\\(\"([a-z0-9.]+)\"").matcher(PythonModule.source());
    List<String> names = named.results().map(m -> m.group(1)).toList();
    assertThat(names).isNotEmpty();
    for (String name : names) {
      assertThat(ConfKeys.named(name).scope()).as(name).isEqualTo(Setting.Scope.SCORING);
    }
  }

  /** The first of a few candidates the conf refuses for failing the setting's condition. */
  private static String invalidValue(Setting<?> setting) {
    for (String candidate : List.of("0", "-1", "bogus", "")) {
      Throwable thrown = catchThrowable(() -> setting.parse(candidate));
      if (thrown != null && thrown.getMessage().endsWith(": expected " + setting.expected())) {
        return candidate;
      }
    }
    throw new AssertionError("no invalid candidate for " + setting);
  }

  @SuppressWarnings("unchecked")
  private static <T> T uncheckedCast(Object value) {
    return (T) value;
  }

  private static Map<Setting<?>, BiConsumer<ScoreSettings.SettingsBuilder, String>> namedSetters() {
    Map<Setting<?>, BiConsumer<ScoreSettings.SettingsBuilder, String>> setters = new LinkedHashMap<>();
    setters.put(ConfKeys.INPUT_DTYPE, (b, v) -> b.inputDtype(v));
    setters.put(ConfKeys.IMAGE_RESIZE, (b, v) -> b.image(new ImageSettings(Integer.parseInt(v), 224, MEAN, STD)));
    setters.put(ConfKeys.IMAGE_CROP, (b, v) -> b.image(new ImageSettings(256, Integer.parseInt(v), MEAN, STD)));
    setters.put(ConfKeys.ENGINE, (b, v) -> b.engine(v));
    setters.put(ConfKeys.ONNXRUNTIME_PROVIDER, (b, v) -> b.onnxRuntimeProvider(v));
    setters.put(ConfKeys.DEVICE, (b, v) -> b.device(v));
    setters.put(ConfKeys.PRECISION, (b, v) -> b.precision(v));
    setters.put(ConfKeys.GPU_CONCURRENCY, (b, v) -> b.gpuConcurrency(Integer.parseInt(v)));
    setters.put(ConfKeys.BATCH_SIZE, (b, v) -> b.batchSize(Integer.parseInt(v)));
    setters.put(ConfKeys.BATCH_MAX_BYTES, (b, v) -> b.batchMaxBytes(Integer.parseInt(v)));
    setters.put(ConfKeys.BATCH_ROWS_MAX_BYTES, (b, v) -> b.batchRowsMaxBytes(Integer.parseInt(v)));
    setters.put(ConfKeys.THREADS, (b, v) -> b.threads(Integer.parseInt(v)));
    setters.put(ConfKeys.CACHE_MODELS, (b, v) -> b.cacheModels(Integer.parseInt(v)));
    setters.put(ConfKeys.PREDICTION_COLUMN, (b, v) -> b.predictionCol(v));
    setters.put(ConfKeys.TOPK, (b, v) -> b.topK(Integer.parseInt(v)));
    setters.put(ConfKeys.PROFILE_BATCHES, (b, v) -> b.profileBatches(Integer.parseInt(v)));
    return setters;
  }
}
