package io.torchscore.spark;

import org.junit.jupiter.api.BeforeAll;

/** {@link ErrorPolicyTest}'s tests on inputs the scoring step reads as columnar batches, from Parquet. */
class ErrorPolicyColumnarTest extends ErrorPolicyTest {

  @BeforeAll
  static void selectColumnarInputs() throws Exception {
    selectInputPath(InputPath.COLUMNAR);
  }
}
