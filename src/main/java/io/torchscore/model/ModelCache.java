package io.torchscore.model;

import ai.djl.Model;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One loaded model per distinct model file per JVM, shared by all tasks of an executor. Models
 * live as long as the JVM: executors are reused across partitions, so loading per task would
 * waste seconds and native memory.
 */
public final class ModelCache {

  private static final Logger LOG = LoggerFactory.getLogger(ModelCache.class);

  private static final ConcurrentMap<String, Model> MODELS = new ConcurrentHashMap<>();

  private static final AtomicLong LOADS = new AtomicLong();

  private ModelCache() {}

  /**
   * Returns the loaded model for the reference, fetching and loading it on first use in this JVM.
   *
   * @param ref the model reference
   * @param onLoad called once when this call loaded the model
   * @return the shared model; callers create their own predictors from it and never close it
   * @throws io.torchscore.TorchScoreException when the file cannot be fetched or loaded
   */
  public static Model getOrLoad(ModelRef ref, Runnable onLoad) {
    Model model = MODELS.get(ref.cacheKey());
    if (model != null) {
      return model;
    }
    synchronized (MODELS) {
      model = MODELS.get(ref.cacheKey());
      if (model == null) {
        long start = System.nanoTime();
        model = TorchScriptLoader.load(ref, ModelFetcher.fetch(ref));
        MODELS.put(ref.cacheKey(), model);
        LOADS.incrementAndGet();
        LOG.info("Model {} loaded in {} ms", ref, (System.nanoTime() - start) / 1_000_000);
        onLoad.run();
      }
      return model;
    }
  }

  /**
   * Returns how many models this JVM has loaded.
   *
   * @return the number of loads since the JVM started
   */
  public static long loadCount() {
    return LOADS.get();
  }
}
