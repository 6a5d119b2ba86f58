package io.torchscore.spark;

import org.junit.jupiter.api.BeforeAll;

/** {@link OutputsTest}'s tests on inputs the scoring step reads as columnar batches, from Parquet. */
class OutputsColumnarTest extends OutputsTest {

  @BeforeAll
  static void selectColumnarInputs() throws Exception {
    selectInputPath(InputPath.COLUMNAR);
  }
}
