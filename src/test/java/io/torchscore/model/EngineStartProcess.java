package io.torchscore.model;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.hadoop.conf.Configuration;

/**
 * A separate JVM that starts DJL's engine with a given cache folder, as an executor does, and
 * prints the tutorial MLP's output for one row: the other side of {@link NativeLibraryCheckTest}.
 */
public final class EngineStartProcess {

  private EngineStartProcess() {}

  /**
   * Starts the engine and scores one row.
   *
   * @param args the cache folder, then the model file
   * @throws Exception when the engine or the model does not load
   */
  public static void main(String[] args) throws Exception {
    ModelRef ref = ModelFetcher.locate(args[1], new Configuration(), 1, args[0], null);
    DjlEnvironment.prepare(1, ref.cacheDir());
    try (LoadedModel model = ModelEngine.load(ref, Path.of(args[1]), Device.cpu(), "auto");
        var predictor = model.model().newPredictor(new ai.djl.translate.NoopTranslator());
        NDManager manager = NDManager.newBaseManager()) {
      float[] row = new float[10];
      Arrays.fill(row, 1f);
      NDList out = predictor.predict(new NDList(manager.create(row, new Shape(1, 10))));
      System.out.println("scored " + out.singletonOrThrow().getShape());
    }
  }
}
