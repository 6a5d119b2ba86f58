/**
 * Tensors: rows to one input tensor per batch (array or numeric columns), and output tensors back
 * to column values. Rows are read, and predictions written, through this package's own interfaces
 * ({@link io.torchscore.tensor.RowValues}, {@link io.torchscore.tensor.OutputValues}), which
 * {@code io.torchscore.sparkinternal} implements over Spark's internal formats.
 */
package io.torchscore.tensor;
