/**
 * Tensors: rows to one input tensor per batch (array or numeric columns), and output tensors back
 * to column values.
 */
package io.torchscore.tensor;
