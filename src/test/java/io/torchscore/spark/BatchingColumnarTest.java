package io.torchscore.spark;

import org.junit.jupiter.api.BeforeAll;

/** {@link BatchingTest}'s tests on inputs the scoring step reads as columnar batches, from Parquet. */
class BatchingColumnarTest extends BatchingTest {

  @BeforeAll
  static void selectColumnarInputs() throws Exception {
    selectInputPath(InputPath.COLUMNAR);
  }
}
