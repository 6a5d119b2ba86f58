package io.torchscore.bench;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoopTranslator;
import io.torchscore.model.DjlEnvironment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.util.LongAccumulator;
import scala.collection.Seq;

/**
 * The {@code row_udf} mode: what users write first, a Spark UDF that calls the model once per
 * row. The model is loaded once per JVM and each task thread keeps its own predictor (the
 * "model cached" version of the naive UDF); each call builds a [1, width] tensor, runs it and
 * reads the result back. A scalar output ([1, 1]) returns a float, a wider one a float array.
 */
final class RowUdfModel implements UDF1<Seq<Object>, Object> {

  private static final long serialVersionUID = 1L;

  private static final ConcurrentMap<String, Model> MODELS = new ConcurrentHashMap<>();
  private static final ThreadLocal<Predictor<NDList, NDList>> PREDICTORS = new ThreadLocal<>();
  private static final ThreadLocal<ByteBuffer> INPUTS = new ThreadLocal<>();

  private final String modelPath;
  private final int width;
  private final boolean scalar;
  private final LongAccumulator counter;

  RowUdfModel(String modelPath, int width, boolean scalar, LongAccumulator counter) {
    this.modelPath = modelPath;
    this.width = width;
    this.scalar = scalar;
    this.counter = counter;
  }

  @Override
  public Object call(Seq<Object> features) throws Exception {
    Model model =
        MODELS.computeIfAbsent(
            modelPath,
            path -> {
              DjlEnvironment.prepare(1, System.getProperty("java.io.tmpdir") + "/torchscore-bench-cache");
              Model loaded = Model.newInstance("row-udf", Device.cpu(), "PyTorch");
              try {
                loaded.load(Path.of(path));
              } catch (Exception e) {
                throw new IllegalStateException("Cannot load " + path, e);
              }
              return loaded;
            });
    Predictor<NDList, NDList> predictor = PREDICTORS.get();
    ByteBuffer input = INPUTS.get();
    if (predictor == null) {
      predictor = model.newPredictor(new NoopTranslator());
      PREDICTORS.set(predictor);
      input = ByteBuffer.allocateDirect(width * Float.BYTES).order(ByteOrder.nativeOrder());
      INPUTS.set(input);
    }
    for (int i = 0; i < width; i++) {
      input.putFloat(i * Float.BYTES, ((Number) features.apply(i)).floatValue());
    }
    counter.add(1);
    try (NDManager manager = model.getNDManager().newSubManager()) {
      NDArray x = manager.create(input, new Shape(1, width), DataType.FLOAT32);
      NDList output = predictor.predict(new NDList(x));
      output.attach(manager);
      float[] values = output.singletonOrThrow().toFloatArray();
      return scalar ? (Object) values[0] : values;
    }
  }
}
