package io.torchscore.job;

import io.torchscore.config.BatchSize;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sizes the Parquet and ORC readers' columnar batches to the job's batch size: a columnar scoring
 * batch never spans two of the scan's batches (4,096 rows unless set), so a larger
 * {@code batch.size} would otherwise be cut to the scan's. Only when the size is fixed and larger,
 * and the user has not set the reader's size; the job owns its session.
 */
final class ScanBatchSize {

  private static final Logger LOG = LoggerFactory.getLogger(ScanBatchSize.class);

  static final String[] READER_BATCH_SIZES = {
    "spark.sql.parquet.columnarReaderBatchSize", "spark.sql.orc.columnarReaderBatchSize"
  };

  private static final int SPARK_DEFAULT = 4096;

  private ScanBatchSize() {}

  /** Raises the readers' batch size to {@code batchSize}'s rows where it is fixed and larger. */
  static void match(SparkSession spark, BatchSize batchSize) {
    if (batchSize.auto() || batchSize.rows() <= SPARK_DEFAULT) {
      return;
    }
    for (String key : READER_BATCH_SIZES) {
      if (!spark.conf().contains(key)) {
        spark.conf().set(key, Integer.toString(batchSize.rows()));
        LOG.info("Reading columnar batches of {} rows ({}), the job's batch size", batchSize.rows(), key);
      }
    }
  }
}
