package io.torchscore.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.torchscore.TorchScoreException;
import io.torchscore.config.ScoreSettings.Postprocess;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * spark.torchscore.postprocess takes one value: topk for the k highest scores as the model returns
 * them, softmax+topk for the k highest probabilities.
 */
class PostprocessSettingTest {

  private static ScoreSettings.SettingsBuilder builder() {
    return ScoreSettings.builder().modelPath("m.pt").featuresCol("f");
  }

  @ParameterizedTest
  @CsvSource({
    "none, NONE",
    "softmax, SOFTMAX",
    "argmax, ARGMAX",
    "topk, TOPK",
    "softmax+topk, SOFTMAX_TOPK"
  })
  void eachConfValueSelectsItsPostprocessingAndTheBuilderSetsTheSame(String value, Postprocess postprocess) {
    assertThat(builder().option("postprocess", value).build().postprocess()).isEqualTo(postprocess);
    assertThat(builder().postprocess(postprocess).build().postprocess()).isEqualTo(postprocess);
    assertThat(postprocess.value()).isEqualTo(value);
  }

  @Test
  void softmaxPlusTopkIsReadFromTheConfInAnyCaseWithItsK() {
    ScoreSettings settings =
        ScoreSettings.fromConf(
            Map.of(
                ConfKeys.MODEL_PATH.key(), "m.pt",
                ConfKeys.FEATURES.key(), "f",
                ConfKeys.POSTPROCESS.key(), "Softmax+TopK",
                ConfKeys.TOPK.key(), "3"));

    assertThat(settings.postprocess()).isEqualTo(Postprocess.SOFTMAX_TOPK);
    assertThat(settings.get(ConfKeys.TOPK)).isEqualTo(3);
  }

  @Test
  void aCommaSeparatedCombinationIsRefusedNamingTheValueThatIsOne() {
    assertThatThrownBy(() -> builder().option("postprocess", "softmax,topk"))
        .isInstanceOf(TorchScoreException.class)
        .hasMessage(
            "Invalid spark.torchscore.postprocess=softmax,topk: expected one of none, softmax, argmax,"
                + " topk, softmax+topk");
  }
}
