package io.torchscore.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import io.torchscore.config.ScoreSettings;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Batch sizes are capped by bytes, so large rows (images) get small batches. */
class InputLayoutTest {

  private static final StructType SCHEMA =
      StructType.fromDDL("features ARRAY<FLOAT>, ids ARRAY<BIGINT>, content BINARY");

  private static InputLayout layout(String column) {
    ScoreSettings settings = ScoreSettings.builder().modelPath("m.pt").featuresCol(column).build();
    return InputLayout.resolve(settings, SCHEMA, name -> 10);
  }

  @Test
  void smallRowsKeepTheRequestedBatchSize() {
    // 10 float32 = 40 bytes a row.
    assertThat(layout("features").batchRows(4096, 8 << 20)).isEqualTo(4096);
  }

  @Test
  void imagesAreCappedByTheByteBudget() {
    // 3 x 224 x 224 float32 = 602,112 bytes a row; 8 MiB / 602,112 = 13.9.
    assertThat(layout("content").batchRows(256, 8 << 20)).isEqualTo(13);
  }

  @Test
  void int64RowsCountEightBytesAValueAndABatchHasAtLeastOneRow() {
    // 10 int64 = 80 bytes a row: 800 bytes hold 10 rows, 79 bytes still one.
    assertThat(layout("ids").batchRows(256, 800)).isEqualTo(10);
    assertThat(layout("ids").batchRows(256, 79)).isEqualTo(1);
  }
}
