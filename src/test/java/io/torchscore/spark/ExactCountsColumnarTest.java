package io.torchscore.spark;

import org.junit.jupiter.api.BeforeAll;

/** {@link ExactCountsTest}'s tests on inputs the scoring step reads as columnar batches, from Parquet. */
class ExactCountsColumnarTest extends ExactCountsTest {

  @BeforeAll
  static void selectColumnarInputs() throws Exception {
    selectInputPath(InputPath.COLUMNAR);
  }
}
