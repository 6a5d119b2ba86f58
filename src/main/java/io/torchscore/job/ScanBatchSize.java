package io.torchscore.job;

import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sizes the Parquet and ORC readers' columnar batches to the job's scoring batches: a columnar
 * scoring batch never spans two of the scan's batches (4,096 rows unless set), so a larger
 * {@code batch.size}, or the larger sizes {@code batch.size=auto} may try, would otherwise be cut
 * to the scan's. Only to a larger size, and where the user has not set the reader's; the job owns
 * its session, and the readers take their size when the job runs.
 */
final class ScanBatchSize {

  private static final Logger LOG = LoggerFactory.getLogger(ScanBatchSize.class);

  static final String[] READER_BATCH_SIZES = {
    "spark.sql.parquet.columnarReaderBatchSize", "spark.sql.orc.columnarReaderBatchSize"
  };

  private static final int SPARK_DEFAULT = 4096;

  private ScanBatchSize() {}

  /**
   * Raises the readers' batch size to {@code rows} where that is larger.
   *
   * @param rows the most rows of a scoring batch: the fixed size, or the most auto may choose
   */
  static void match(SparkSession spark, int rows) {
    if (rows <= SPARK_DEFAULT) {
      return;
    }
    for (String key : READER_BATCH_SIZES) {
      if (!spark.conf().contains(key)) {
        spark.conf().set(key, Integer.toString(rows));
        LOG.info("Reading columnar batches of {} rows ({}), the job's largest scoring batch", rows, key);
      }
    }
  }
}
