package io.torchscore.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.torchscore.SparkTestBase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The job's columnar scans give batches as large as its largest scoring batch, unless the user set theirs. */
class ScanBatchSizeTest extends SparkTestBase {

  @AfterEach
  void unset() {
    for (String key : ScanBatchSize.READER_BATCH_SIZES) {
      spark.conf().unset(key);
    }
  }

  @Test
  void aLargerScoringBatchSizesTheReadersBatches() {
    ScanBatchSize.match(spark, 16384);

    assertThat(spark.conf().get("spark.sql.parquet.columnarReaderBatchSize")).isEqualTo("16384");
    assertThat(spark.conf().get("spark.sql.orc.columnarReaderBatchSize")).isEqualTo("16384");
  }

  @Test
  void theUsersReaderSizeAndSmallerSizesAreLeftAsTheyAre() {
    spark.conf().set("spark.sql.parquet.columnarReaderBatchSize", "1000");
    ScanBatchSize.match(spark, 16384);
    assertThat(spark.conf().get("spark.sql.parquet.columnarReaderBatchSize")).isEqualTo("1000");

    spark.conf().unset("spark.sql.orc.columnarReaderBatchSize");
    ScanBatchSize.match(spark, 4096);
    ScanBatchSize.match(spark, 1024);
    assertThat(spark.conf().contains("spark.sql.orc.columnarReaderBatchSize")).isFalse();
  }
}
