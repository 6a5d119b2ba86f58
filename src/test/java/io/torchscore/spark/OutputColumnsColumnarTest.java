package io.torchscore.spark;

import org.junit.jupiter.api.BeforeAll;

/** {@link OutputColumnsTest}'s tests on inputs the scoring step reads as columnar batches, from Parquet. */
class OutputColumnsColumnarTest extends OutputColumnsTest {

  @BeforeAll
  static void selectColumnarInputs() throws Exception {
    selectInputPath(InputPath.COLUMNAR);
  }
}
