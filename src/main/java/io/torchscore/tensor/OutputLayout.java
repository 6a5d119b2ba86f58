package io.torchscore.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.torchscore.TorchScoreException;
import io.torchscore.config.ConfKeys;
import io.torchscore.config.ScoreSettings;
import io.torchscore.config.ScoreSettings.Postprocess;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The prediction columns, learned on the driver from the model's output for a sample batch, and
 * the decoding of each batch's outputs into those columns' values.
 */
public final class OutputLayout implements Serializable {

  private static final long serialVersionUID = 1L;

  private static final StructType TOPK_ENTRY =
      new StructType()
          .add("index", DataTypes.IntegerType, false)
          .add("label", DataTypes.StringType, true)
          .add("score", DataTypes.FloatType, false);

  private final List<OutputSpec> outputs;
  private final ScoreSettings.Postprocess postprocess;
  private final int topK;
  private final List<String> labels;
  private final String predictionColumn;
  private final boolean struct;

  private OutputLayout(
      List<OutputSpec> outputs,
      Postprocess postprocess,
      int topK,
      List<String> labels,
      String predictionColumn,
      boolean struct) {
    this.outputs = List.copyOf(outputs);
    this.postprocess = postprocess;
    this.topK = topK;
    this.labels = labels == null ? null : List.copyOf(labels);
    this.predictionColumn = predictionColumn;
    this.struct = struct;
  }

  /**
   * Learns the prediction columns from a TorchScript model's output for a sample batch.
   *
   * @param sample the model's outputs for {@code rows} rows
   * @param rows the sample batch's rows
   * @param settings the scoring settings
   * @param labels class labels, or null
   * @return the layout
   * @throws TorchScoreException when an output has no batch dimension, or the settings do not fit
   *     the outputs
   */
  public static OutputLayout of(NDList sample, long rows, ScoreSettings settings, List<String> labels) {
    return of(sample, rows, settings, labels, false);
  }

  /**
   * Learns the prediction columns from the model's output for a sample batch.
   *
   * @param sample the model's outputs for {@code rows} rows
   * @param rows the sample batch's rows
   * @param settings the scoring settings
   * @param labels class labels, or null
   * @param graphOutputs whether the outputs are an ONNX graph's, named and in order: a single one
   *     is the prediction column and several keep the graph's order and names; otherwise named
   *     outputs are a dict's, in its keys' order
   * @return the layout
   * @throws TorchScoreException when an output has no batch dimension, or the settings do not fit
   *     the outputs
   */
  public static OutputLayout of(
      NDList sample, long rows, ScoreSettings settings, List<String> labels, boolean graphOutputs) {
    List<String> names = settings.get(ConfKeys.OUTPUT_NAMES);
    TorchScoreException.check(
        names.isEmpty() || names.size() == sample.size(),
        "Invalid %s=%s: the model returns %s outputs",
        ConfKeys.OUTPUT_NAMES,
        String.join(",", names),
        sample.size());
    TorchScoreException.check(
        settings.postprocess() == Postprocess.NONE || sample.size() == 1,
        "Cannot apply %s=%s: the model returns %s outputs; post-processing takes one",
        ConfKeys.POSTPROCESS,
        settings.postprocess().value(),
        sample.size());
    List<OutputSpec> outputs = new ArrayList<>();
    for (int i : outputOrder(sample, graphOutputs)) {
      NDArray array = sample.get(i);
      Shape shape = array.getShape();
      TorchScoreException.check(
          shape.dimension() >= 1 && shape.get(0) == rows,
          "Cannot score: model output %s has shape %s for a batch of %s rows; expected [%s, ...]",
          i,
          shape,
          rows,
          rows);
      long width = shape.dimension() == 1 ? 1 : shape.size() / rows;
      boolean scalar = shape.dimension() == 1 || (shape.dimension() == 2 && shape.get(1) == 1);
      String column;
      if (!names.isEmpty()) {
        column = names.get(outputs.size());
      } else if (graphOutputs && sample.size() == 1) {
        column = settings.get(ConfKeys.PREDICTION_COLUMN);
      } else if (array.getName() != null && !array.getName().isEmpty()) {
        column = array.getName();
      } else {
        column = sample.size() == 1 ? settings.get(ConfKeys.PREDICTION_COLUMN) : "output_" + i;
      }
      boolean int64 = array.getDataType().isInteger();
      outputs.add(new OutputSpec(column, array.getName(), Math.toIntExact(width), scalar, int64));
    }
    if (settings.postprocess() != Postprocess.NONE) {
      OutputSpec scores = outputs.get(0);
      TorchScoreException.check(
          !scores.scalar(),
          "Cannot apply %s: the model returns one value per row; expected class scores [B, classes]",
          ConfKeys.POSTPROCESS);
      TorchScoreException.check(
          labels == null || labels.size() >= scores.width(),
          "Invalid %s: %s labels for %s classes",
          ConfKeys.LABELS_PATH,
          labels == null ? 0 : labels.size(),
          scores.width());
    }
    return new OutputLayout(
        outputs,
        settings.postprocess(),
        settings.get(ConfKeys.TOPK),
        labels,
        settings.get(ConfKeys.PREDICTION_COLUMN),
        settings.outputStruct() && outputs.size() > 1);
  }

  /**
   * Returns the order of the outputs' columns: the model's order, or for a dict (whose order
   * DJL does not keep) its keys' alphabetical order.
   */
  private static List<Integer> outputOrder(NDList sample, boolean graphOutputs) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < sample.size(); i++) {
      order.add(i);
    }
    boolean dict =
        !graphOutputs && sample.stream().allMatch(a -> a.getName() != null && !a.getName().isEmpty());
    if (dict) {
      order.sort((a, b) -> sample.get(a).getName().compareTo(sample.get(b).getName()));
    }
    return order;
  }

  /**
   * Returns the prediction columns, all nullable (a bad row may have no prediction).
   *
   * @return the fields appended to each row
   */
  public List<StructField> fields() {
    switch (postprocess) {
      case SOFTMAX:
        return List.of(
            DataTypes.createStructField(
                predictionColumn, DataTypes.createArrayType(DataTypes.FloatType, false), true));
      case ARGMAX:
        List<StructField> argmax = new ArrayList<>();
        argmax.add(DataTypes.createStructField(predictionColumn, DataTypes.IntegerType, true));
        if (labels != null) {
          argmax.add(DataTypes.createStructField(predictionColumn + "_label", DataTypes.StringType, true));
        }
        return argmax;
      case TOPK:
      case SOFTMAX_TOPK:
        return List.of(
            DataTypes.createStructField(
                predictionColumn, DataTypes.createArrayType(TOPK_ENTRY, false), true));
      default:
        List<StructField> fields = new ArrayList<>();
        for (OutputSpec output : outputs) {
          fields.add(DataTypes.createStructField(output.column(), output.sparkType(), !struct));
        }
        if (struct) {
          return List.of(
              DataTypes.createStructField(predictionColumn, DataTypes.createStructType(fields), true));
        }
        return fields;
    }
  }

  /**
   * Returns the number of prediction columns.
   *
   * @return the size of {@link #fields()}
   */
  public int columnCount() {
    return fields().size();
  }

  /**
   * Returns the buffers for the predictions of up to {@code rows} rows, reused from batch to batch.
   *
   * @param rows the most rows a batch holds
   * @param values makes the values written into the rows emitted, in the engine's format
   * @return empty predictions
   */
  public BatchPredictions predictions(int rows, OutputValues values) {
    return new BatchPredictions(outputs, postprocess, topK, labels, struct, rows, values);
  }

  /**
   * Decodes a forward's outputs, for rows {@code [from, from + rows)} of a batch, into the batch's
   * predictions.
   *
   * @param outputs the model's outputs for {@code rows} rows
   * @param rows the forward's rows
   * @param into the batch's predictions, from {@link #predictions(int)}
   * @param from the forward's first row in the batch
   * @throws TorchScoreException when the outputs differ from the sample batch's
   */
  public void decode(NDList outputs, int rows, BatchPredictions into, int from) {
    TorchScoreException.check(
        outputs.size() == this.outputs.size(),
        "Cannot score: the model returned %s outputs; the sample batch had %s",
        outputs.size(),
        this.outputs.size());
    for (int i = 0; i < this.outputs.size(); i++) {
      OutputSpec spec = this.outputs.get(i);
      NDArray array = spec.modelName() != null ? outputs.get(spec.modelName()) : outputs.get(i);
      TorchScoreException.check(
          array != null, "Cannot score: the model returned no output '%s' this time", spec.modelName());
      TorchScoreException.check(
          array.getShape().dimension() >= 1
              && array.getShape().get(0) == rows
              && array.getShape().size() == (long) rows * spec.width(),
          "Cannot score: model output '%s' has shape %s for a batch of %s rows; the sample batch"
              + " gave %s values per row",
          spec.column(),
          array.getShape(),
          rows,
          spec.width());
      if (spec.int64()) {
        into.store(i, from, (array.getDataType() == DataType.INT64 ? array : array.toType(DataType.INT64, false)).toLongArray());
      } else {
        into.store(i, from, (array.getDataType() == DataType.FLOAT32 ? array : array.toType(DataType.FLOAT32, false)).toFloatArray());
      }
    }
  }
}
