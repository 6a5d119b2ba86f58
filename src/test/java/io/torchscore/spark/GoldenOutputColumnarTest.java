package io.torchscore.spark;

import org.junit.jupiter.api.BeforeAll;

/** {@link GoldenOutputTest}'s tests on inputs the scoring step reads as columnar batches, from Parquet. */
class GoldenOutputColumnarTest extends GoldenOutputTest {

  @BeforeAll
  static void selectColumnarInputs() throws Exception {
    selectInputPath(InputPath.COLUMNAR);
  }
}
