package io.torchscore.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.torchscore.SparkTestBase;
import io.torchscore.config.ScoreSettings.OnError;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What a {@link ScoreResult} offers besides the scored rows. */
class ScoreResultTest extends SparkTestBase {

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = OnError.class, names = {"FAIL", "NULL"})
  void rejectsAreEmptyWithTheInputAndErrorColumnsUnlessRowsAreSkipped(OnError policy) {
    ScoreResult result =
        TorchScorer.builder()
            .modelPath(fixture("tutorial_mlp.pt").toString())
            .featuresCol("features")
            .inputShapes(List.of(List.of(10L)))
            .onError(policy)
            .build()
            .score(fixtureTable("tutorial_mlp.jsonl", "id BIGINT, features ARRAY<FLOAT>, expected FLOAT"));

    assertThat(result.rejects().columns()).containsExactly("id", "features", "expected", "_error");
    assertThat(result.rejects().schema().apply("_error").dataType().simpleString()).isEqualTo("string");
    assertThat(result.rejects().collectAsList()).isEmpty();
  }
}
