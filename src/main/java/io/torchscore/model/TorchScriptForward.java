package io.torchscore.model;

import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Runs a TorchScript module's forward on a batch's tensors, as DJL's predictor does (no autograd,
 * the module in eval mode since its load), but frees the native inputs when the module throws.
 *
 * <p>DJL 0.36's {@code IValueUtils.forward(block, NDList, boolean)} wraps each input tensor in a
 * native {@code IValue} and closes them only after a successful call: a forward that throws (a
 * row the model rejects, a batch too large for the GPU, both of which the scorer retries on
 * smaller slices) left each input's {@code IValue} open, and with it a reference that keeps the
 * input tensor's memory alive after its {@code NDArray} is closed. Here the inputs are wrapped
 * and closed by this class, thrown or not.
 */
public final class TorchScriptForward {

  private static final String GRAPH_OPTIMIZER = "ai.djl.pytorch.graph_optimizer";

  private final PtSymbolBlock block;

  /**
   * Creates the forward of a loaded TorchScript model.
   *
   * @param model a model of DJL's PyTorch engine
   */
  public TorchScriptForward(Model model) {
    this.block = (PtSymbolBlock) model.getBlock();
  }

  /**
   * Runs the module's {@code forward} on the inputs, in order.
   *
   * @param inputs the batch's tensors, all of one PyTorch manager, which then owns the outputs
   * @return the outputs
   * @throws ai.djl.engine.EngineException when the module raised an error
   */
  public NDList forward(NDList inputs) {
    if (System.getProperty(GRAPH_OPTIMIZER) != null) {
      // A per-thread switch in libtorch, set before each forward as DJL's block does.
      JniUtils.setGraphExecutorOptimize(Boolean.getBoolean(GRAPH_OPTIMIZER));
    }
    IValue[] values = new IValue[inputs.size()];
    try {
      for (int i = 0; i < values.length; i++) {
        values[i] = IValue.from((PtNDArray) inputs.get(i));
      }
      try (IValue result = IValueUtils.forward(block, values)) {
        return result.toNDList((PtNDManager) inputs.get(0).getManager());
      }
    } finally {
      for (IValue value : values) {
        if (value != null) {
          value.close();
        }
      }
    }
  }
}
