package io.torchscore.spark;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.torchscore.SparkTestBase;
import io.torchscore.TorchScoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver checks the model against the inputs before any task runs, and says which model
 * input got what, and what the model expected.
 */
class DriverValidationTest extends SparkTestBase {

  @TempDir Path dir;

  private static Dataset<Row> mlpInput() {
    return fixtureTable("tutorial_mlp.jsonl", "id BIGINT, features ARRAY<FLOAT>, expected FLOAT");
  }

  private static void assertScoringFails(String model, Dataset<Row> input, List<String> columns, String... messages) {
    TorchScorer scorer =
        TorchScorer.builder().modelPath(model).featuresCols(columns.toArray(String[]::new)).build();
    var thrown = assertThatThrownBy(() -> scorer.transform(input)).isInstanceOf(TorchScoreException.class);
    for (String message : messages) {
      thrown.hasMessageContaining(message);
    }
  }

  @Test
  void aMissingModelFileIsNamed() {
    assertScoringFails(
        dir.resolve("missing.pt").toString(),
        mlpInput(),
        List.of("features"),
        "Cannot load model: " + dir.resolve("missing.pt") + " does not exist or is not a file;"
            + " set spark.torchscore.model.path to a TorchScript file");
  }

  @Test
  void aFileThatIsNotTorchScriptIsRejected() throws Exception {
    Path notAModel = dir.resolve("weights.pt");
    Files.writeString(notAModel, "{\"fc1.weight\": [0.1, 0.2]}");

    assertScoringFails(
        notAModel.toString(),
        mlpInput(),
        List.of("features"),
        "Cannot load model " + notAModel.toUri().toString().replace("file:///", "file:/"),
        "not a loadable TorchScript file",
        "export it with torch.jit.script(model).save(path)");
  }

  @Test
  void aTruncatedFileIsRejected() throws Exception {
    byte[] whole = Files.readAllBytes(fixture("tutorial_mlp.pt"));
    Path truncated = dir.resolve("truncated.pt");
    Files.write(truncated, Arrays.copyOf(whole, whole.length / 2));

    assertScoringFails(truncated.toString(), mlpInput(), List.of("features"), "not a loadable TorchScript file");
  }

  @Test
  void theWrongFeatureCountNamesTheInputAndWhatTheModelExpected() {
    assertScoringFails(
        fixture("tutorial_mlp.pt").toString(),
        mlpInput(),
        List.of("id", "expected"),
        "the model rejected a sample batch of 1 input (input 0 from columns id,expected: float32 [2, 2])",
        "mat1 and mat2 shapes cannot be multiplied (2x2 and 10x5)");
  }

  @Test
  void theWrongRankNamesTheInputAndWhatTheModelExpected() {
    assertScoringFails(
        fixture("conv_net.pt").toString(),
        fixtureTable("conv_net.jsonl", "id BIGINT, pixels ARRAY<FLOAT>, expected ARRAY<DOUBLE>"),
        List.of("pixels"),
        "input 0 from column pixels: float32 [2, 16]",
        "Expected 3D (unbatched) or 4D (batched) input to conv2d",
        "spark.torchscore.input.shape");
  }

  @Test
  void aModelNeedingTwoInputsGivenOneSaysWhichIsMissing() {
    assertScoringFails(
        fixture("two_inputs.pt").toString(),
        fixtureTable("two_inputs.jsonl", "id BIGINT, x ARRAY<FLOAT>, y0 DOUBLE, y1 FLOAT, expected FLOAT"),
        List.of("x"),
        "1 input (input 0 from column x: float32 [2, 3])",
        "forward() is missing value for argument 'y'");
  }

  @Test
  void aMissingFeatureColumnIsNamed() {
    assertScoringFails(
        fixture("tutorial_mlp.pt").toString(),
        mlpInput(),
        List.of("pixels"),
        "feature column 'pixels' (spark.torchscore.features) is not in the input; columns are [id, features, expected]");
  }
}
