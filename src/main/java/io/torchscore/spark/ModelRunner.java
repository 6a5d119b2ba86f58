package io.torchscore.spark;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.torchscore.model.GpuGate;

/**
 * The model a partition runs: its forward, the manager of its device (batch tensors are made
 * there), its float type, the gate of its GPU, whether to prefetch, and what to close when the
 * partition ends.
 */
record ModelRunner(
    ModelForward forward,
    NDManager manager,
    DataType floatType,
    GpuGate gate,
    boolean prefetch,
    AutoCloseable resources) {}
