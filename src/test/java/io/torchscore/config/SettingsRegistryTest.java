package io.torchscore.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.torchscore.TorchScoreException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Each setting is declared once in {@link ConfKeys}; everything else follows from it. */
class SettingsRegistryTest {

  @Test
  void everyKeyIsDeclaredOnceUnderThePrefix() {
    Set<String> keys = new HashSet<>();
    for (Setting<?> setting : ConfKeys.all()) {
      assertThat(setting.key()).startsWith(ConfKeys.PREFIX);
      assertThat(keys.add(setting.key())).as("declared twice: %s", setting).isTrue();
      assertThat(setting.doc()).isNotBlank();
    }
  }

  @Test
  void theBuilderTakesAnySettingByItsShortNameOrKey() {
    ScoreSettings settings =
        ScoreSettings.builder()
            .modelPath("m.pt")
            .featuresCol("features")
            .option("batch.size", "128")
            .option("spark.torchscore.device", "CPU")
            .option("input.shape", "3,32,32")
            .build();

    assertThat(settings.get(ConfKeys.BATCH_SIZE)).isEqualTo(BatchSize.of(128));
    assertThat(settings.get(ConfKeys.DEVICE)).isEqualTo("cpu");
    assertThat(settings.get(ConfKeys.INPUT_SHAPE)).containsExactly(List.of(3L, 32L, 32L));
    assertThatThrownBy(() -> ScoreSettings.builder().option("batchsize", "1"))
        .isInstanceOf(TorchScoreException.class)
        .hasMessageContaining("did you mean spark.torchscore.batch.size?");
  }

  @Test
  void theBuilderChecksEnumeratedValues() {
    assertThatThrownBy(
            () -> ScoreSettings.builder().modelPath("m.pt").featuresCol("f").device("tpu").build())
        .isInstanceOf(TorchScoreException.class)
        .hasMessage("Invalid spark.torchscore.device=tpu: expected one of auto, cpu, gpu");
  }

  @Test
  void readerOptionsAreNotUnknownKeys() {
    ConfKeys.checkKnown(java.util.Map.of("spark.torchscore.input.option.anything", "x", "spark.other", "y"));
  }
}
