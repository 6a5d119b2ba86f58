package io.torchscore.bench;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import io.torchscore.config.ScoreSettings;
import io.torchscore.model.EngineStarter;
import io.torchscore.tensor.BatchEncoder;
import io.torchscore.tensor.InputLayout;
import io.torchscore.tensor.InputSpec;
import io.torchscore.tensor.OutputLayout;
import io.torchscore.tensor.RowError;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * torchscore's scoring path for one model on one device, without Spark's scheduler: the input
 * layout and the output columns resolved as the driver resolves them, then per batch the
 * encoder, one forward and the decoder, as an executor's partition iterator runs them, on rows
 * in Spark's internal format ({@code id BIGINT, features ARRAY<FLOAT>}).
 */
final class BelowSparkScorer implements AutoCloseable {

  private static final int SAMPLE_ROWS = 2;

  private final Model model;
  private final InputLayout inputs;
  private final OutputLayout outputs;
  private final Predictor<NDList, NDList> predictor;
  private final BatchEncoder encoder;
  private final int batchRows;

  /** Loads the model on the device and resolves its inputs ({@code width} floats a row) and outputs. */
  BelowSparkScorer(Path file, Device device, int width, int batchSize)
      throws IOException, MalformedModelException, TranslateException {
    ScoreSettings settings =
        ScoreSettings.builder()
            .modelPath(file.toString())
            .featuresCol("features")
            .batchSize(batchSize)
            .batchMaxBytes(Integer.MAX_VALUE)
            .build();
    StructType schema =
        new StructType()
            .add("id", DataTypes.LongType, false)
            .add("features", DataTypes.createArrayType(DataTypes.FloatType, false), false);
    this.inputs = InputLayout.resolve(settings, schema, column -> width);
    this.model = Model.newInstance("gpu-check", device, EngineStarter.ENGINE);
    try {
      model.load(file);
      this.outputs = sampleOutputs(settings);
      this.predictor = model.newPredictor(new NoopTranslator());
    } catch (IOException | MalformedModelException | TranslateException | RuntimeException e) {
      model.close();
      throw e;
    }
    this.batchRows = inputs.batchRows(batchSize, Integer.MAX_VALUE);
    this.encoder = new BatchEncoder(inputs, batchRows, false);
  }

  /** Returns a row as a Spark scan gives it: {@code id} and the {@code features} array. */
  static InternalRow row(long id, float[] features) {
    return new GenericInternalRow(new Object[] {id, UnsafeArrayData.fromPrimitiveArray(features)});
  }

  /** Returns the rows per batch. */
  int batchRows() {
    return batchRows;
  }

  /** Returns the type of the (first) prediction column. */
  DataType predictionType() {
    return outputs.fields().get(0).dataType();
  }

  /** Returns the model, for a raw loop on the same loaded module. */
  Model model() {
    return model;
  }

  /**
   * Scores rows {@code [from, to)} (at most a batch) and returns each row with its prediction
   * columns appended, as Spark receives them.
   */
  InternalRow[] scoreBatch(InternalRow[] rows, int from, int to) throws TranslateException {
    encoder.reset();
    for (int i = from; i < to; i++) {
      RowError error = encoder.add(rows[i]);
      if (error != null) {
        throw new IllegalArgumentException("row " + i + " is bad: " + error.message());
      }
    }
    InternalRow[] scored = new InternalRow[to - from];
    try (NDManager batch = model.getNDManager().newSubManager()) {
      NDList output = predictor.predict(encoder.toInputs(batch, 0, to - from, ai.djl.ndarray.types.DataType.FLOAT32));
      output.attach(batch);
      Object[][] values = outputs.decode(output, to - from);
      for (int i = 0; i < scored.length; i++) {
        scored[i] = new JoinedRow(rows[from + i], new GenericInternalRow(values[i]));
      }
    }
    return scored;
  }

  /** Learns the prediction columns from a batch of zeros, as the driver's validation does. */
  private OutputLayout sampleOutputs(ScoreSettings settings) throws TranslateException {
    try (NDManager manager = model.getNDManager().newSubManager();
        Predictor<NDList, NDList> sample = model.newPredictor(new NoopTranslator())) {
      NDList zeros = new NDList();
      for (InputSpec input : inputs.inputs()) {
        zeros.add(manager.zeros(input.batchShape(SAMPLE_ROWS), input.dataType()));
      }
      NDList output = sample.predict(zeros);
      output.attach(manager);
      return OutputLayout.of(output, SAMPLE_ROWS, settings, List.of());
    }
  }

  @Override
  public void close() {
    predictor.close();
    model.close();
  }
}
