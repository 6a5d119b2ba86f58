/**
 * Spark: the DataFrame-level scorer, the driver-side validation, and the partition function that
 * scores rows in batches on executors. It reaches Spark's internal API through
 * {@code io.torchscore.sparkinternal} only, naming no internal class but {@code InternalRow}.
 */
package io.torchscore.spark;
