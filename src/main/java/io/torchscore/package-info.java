/**
 * torchscore: batch-scores TorchScript models over Spark DataFrames through DJL's PyTorch engine.
 * The packages follow the data: config, model, tensor, spark, job.
 */
package io.torchscore;
