/**
 * Spark: the DataFrame-level scorer, the driver-side validation, and the partition function that
 * scores rows in batches on executors.
 */
package io.torchscore.spark;
