package io.torchscore.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.torchscore.TorchScoreException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** spark.torchscore.model.sha256 is read from the conf and must be 64 hex digits. */
class ModelSha256SettingTest {

  private static final String SHA =
      "A7A48866000DD889B9DABF9A97A6EA7AF075B1201BC7248FAA52FCBB8B1822E7";

  @Test
  void isReadFromTheConfInLowerCase() {
    ScoreSettings settings =
        ScoreSettings.fromConf(
            Map.of(
                ConfKeys.MODEL_PATH.key(), "m.pt", ConfKeys.FEATURES.key(), "f", ConfKeys.MODEL_SHA256.key(), SHA));

    assertThat(settings.get(ConfKeys.MODEL_SHA256)).isEqualTo(SHA.toLowerCase(java.util.Locale.ROOT));
  }

  @Test
  void isUnsetByDefault() {
    assertThat(ScoreSettings.builder().modelPath("m.pt").featuresCol("f").build().get(ConfKeys.MODEL_SHA256))
        .isNull();
  }

  @Test
  void somethingElseThanAChecksumNamesTheKey() {
    assertThatThrownBy(
            () ->
                ScoreSettings.builder()
                    .modelPath("m.pt")
                    .featuresCol("f")
                    .modelSha256("abc")
                    .build())
        .isInstanceOf(TorchScoreException.class)
        .hasMessage(
            "Invalid spark.torchscore.model.sha256=abc: expected the file's SHA-256 as 64 hex"
                + " digits (sha256sum model.pt)");
  }
}
