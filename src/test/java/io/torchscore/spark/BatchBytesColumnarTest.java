package io.torchscore.spark;

import org.junit.jupiter.api.BeforeAll;

/** {@link BatchBytesTest}'s tests on inputs the scoring step reads as columnar batches, from Parquet. */
class BatchBytesColumnarTest extends BatchBytesTest {

  @BeforeAll
  static void selectColumnarInputs() throws Exception {
    selectInputPath(InputPath.COLUMNAR);
  }
}
