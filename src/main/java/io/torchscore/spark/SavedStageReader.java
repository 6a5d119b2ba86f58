package io.torchscore.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.torchscore.TorchScoreException;
import java.io.IOException;
import java.util.Iterator;
import org.apache.spark.ml.util.MLReader;

/**
 * Loads a {@link TorchScoreTransformer} saved with {@code write().save(path)} (Spark's
 * {@code DefaultParamsWriter} layout: one JSON line under {@code metadata/}). Each saved param is
 * set through {@link TorchScoreTransformer#setOption}, from its JSON text, so a stage saved when
 * every param held its conf text (numbers quoted) loads as well as one saved with typed params,
 * and each value is checked by its setting as it loads.
 */
final class SavedStageReader extends MLReader<TorchScoreTransformer> {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public TorchScoreTransformer load(String path) {
    String line = sparkSession().read().text(path + "/metadata").first().getString(0);
    JsonNode metadata;
    try {
      metadata = JSON.readTree(line);
    } catch (IOException e) {
      throw new TorchScoreException(e, "Cannot load a TorchScoreTransformer from %s: its metadata is not JSON", path);
    }
    String saved = metadata.path("class").asText();
    TorchScoreException.check(
        saved.equals(TorchScoreTransformer.class.getName()),
        "Cannot load a TorchScoreTransformer from %s: it holds a %s",
        path,
        saved);
    TorchScoreTransformer stage = new TorchScoreTransformer(metadata.path("uid").asText());
    JsonNode params = metadata.path("paramMap");
    for (Iterator<String> names = params.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      stage.setOption(name, params.get(name).asText());
    }
    return stage;
  }
}
