package io.torchscore.spark;

import org.junit.jupiter.api.BeforeAll;

/** {@link InputsTest}'s tests on inputs the scoring step reads as columnar batches, from Parquet. */
class InputsColumnarTest extends InputsTest {

  @BeforeAll
  static void selectColumnarInputs() throws Exception {
    selectInputPath(InputPath.COLUMNAR);
  }
}
