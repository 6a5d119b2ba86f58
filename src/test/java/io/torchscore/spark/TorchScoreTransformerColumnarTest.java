package io.torchscore.spark;

import org.junit.jupiter.api.BeforeAll;

/** {@link TorchScoreTransformerTest}'s tests on inputs the scoring step reads as columnar batches, from Parquet. */
class TorchScoreTransformerColumnarTest extends TorchScoreTransformerTest {

  @BeforeAll
  static void selectColumnarInputs() throws Exception {
    selectInputPath(InputPath.COLUMNAR);
  }
}
