package io.torchscore.spark;

import org.junit.jupiter.api.BeforeAll;

/** {@link NonFiniteValuesTest}'s tests on inputs the scoring step reads as columnar batches, from Parquet. */
class NonFiniteValuesColumnarTest extends NonFiniteValuesTest {

  @BeforeAll
  static void selectColumnarInputs() throws Exception {
    selectInputPath(InputPath.COLUMNAR);
  }
}
