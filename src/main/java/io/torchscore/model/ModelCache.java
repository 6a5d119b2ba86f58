package io.torchscore.model;

import ai.djl.Device;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models an executor JVM has loaded: one per (model file, engine, device, precision), shared by the
 * tasks bound to that device, and at most {@code spark.torchscore.cache.models} per device. When a
 * new model passes the bound, the least recently used one is dropped and closed as soon as no task
 * holds it, so a long-lived cluster scoring retrained models does not grow native memory forever.
 * A model is fetched and loaded outside the cache's lock, once however many tasks ask for it, so a
 * slow fetch holds up only the tasks that need that model.
 *
 * <pre>{@code
 * try (ModelCache.Lease lease = ModelCache.lease(ref, Device.cpu(), "auto", 2, () -> {})) {
 *   Predictor<NDList, NDList> predictor = lease.model().model().newPredictor(new NoopTranslator());
 *   ...
 * }
 * }</pre>
 */
public final class ModelCache {

  private static final Logger LOG = LoggerFactory.getLogger(ModelCache.class);

  private static final ModelCache SHARED = new ModelCache(ModelEngine::load);

  private static final AtomicLong LOADS = new AtomicLong();

  /** Loads a fetched model file on a device in a precision. */
  @FunctionalInterface
  interface Loader {
    LoadedModel load(ModelRef ref, java.nio.file.Path file, Device device, String precision);
  }

  private final Loader loader;
  // Access order: the first entry is the least recently leased.
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);

  ModelCache(Loader loader) {
    this.loader = loader;
  }

  /**
   * Leases this JVM's model for the reference on a device, fetching and loading it on first use.
   *
   * @param ref the model reference
   * @param device the device to run on
   * @param precision {@code spark.torchscore.precision}
   * @param capacity the most models kept per device ({@code spark.torchscore.cache.models})
   * @param onLoad called once when this call loaded the model
   * @return the lease; close it when the task is done with the model
   * @throws io.torchscore.TorchScoreException when the file cannot be fetched or loaded
   */
  public static Lease lease(ModelRef ref, Device device, String precision, int capacity, Runnable onLoad) {
    return SHARED.acquire(ref, device, precision, capacity, onLoad);
  }

  /**
   * Returns how many models this JVM has loaded.
   *
   * @return the number of loads since the JVM started
   */
  public static long loadCount() {
    return LOADS.get();
  }

  Lease acquire(ModelRef ref, Device device, String precision, int capacity, Runnable onLoad) {
    String key = ref.cacheKey() + "@" + device + "/" + precision;
    Entry entry;
    synchronized (this) {
      entry = entries.computeIfAbsent(key, k -> new Entry(k, device));
      entry.leases++;
    }
    // Fetched and loaded under the entry's own lock: tasks of other models never wait for it, and
    // tasks of this one wait for the one load.
    try {
      if (entry.loadOnce(() -> load(ref, device, precision))) {
        onLoad.run();
      }
    } catch (RuntimeException | Error e) {
      synchronized (this) {
        entry.leases--;
        if (entry.leases == 0 && !entry.isLoaded()) {
          entries.remove(key, entry);
        }
      }
      throw e;
    }
    synchronized (this) {
      evictBeyond(device, capacity);
    }
    return new Lease(entry, capacity);
  }

  private LoadedModel load(ModelRef ref, Device device, String precision) {
    long start = System.nanoTime();
    LoadedModel model = loader.load(ref, ModelFetcher.fetch(ref), device, precision);
    LOADS.incrementAndGet();
    LOG.info(
        "Model {} loaded on {} ({}) in {} ms",
        ref,
        device,
        model.floatType(),
        (System.nanoTime() - start) / 1_000_000);
    return model;
  }

  /** Drops the least recently used models of the device beyond the capacity, closing idle ones. */
  private void evictBeyond(Device device, int capacity) {
    List<Entry> onDevice = new ArrayList<>();
    for (Entry entry : entries.values()) {
      if (entry.device.equals(device)) {
        onDevice.add(entry);
      }
    }
    int excess = onDevice.size() - capacity;
    for (Iterator<Entry> it = onDevice.iterator(); it.hasNext() && excess > 0; ) {
      Entry eldest = it.next();
      // An entry still loading has a lease: it is never closed half-loaded.
      if (eldest.leases == 0) {
        entries.remove(eldest.key);
        eldest.model().close();
        LOG.info("Model {} evicted from the cache and closed", eldest.key);
        excess--;
      }
    }
  }

  private synchronized void release(Entry entry, int capacity) {
    entry.leases--;
    evictBeyond(entry.device, capacity);
  }


  private static final class Entry {
    private final String key;
    private final Device device;
    private LoadedModel model;
    // What tasks learn about the loaded model and keep with it, e.g. the batch size chosen.
    private final java.util.concurrent.ConcurrentHashMap<String, Object> shared =
        new java.util.concurrent.ConcurrentHashMap<>();
    // Guarded by the cache.
    private int leases;

    Entry(String key, Device device) {
      this.key = key;
      this.device = device;
    }

    /** Loads the model unless a task did already; returns whether this call loaded it. */
    synchronized boolean loadOnce(Supplier<LoadedModel> load) {
      if (model != null) {
        return false;
      }
      model = load.get();
      return true;
    }

    synchronized boolean isLoaded() {
      return model != null;
    }

    synchronized LoadedModel model() {
      return model;
    }
  }

  /** A task's hold on a cached model: the model is not closed while any lease is open. */
  public final class Lease implements AutoCloseable {

    private final Entry entry;
    private final int capacity;
    private boolean closed;

    private Lease(Entry entry, int capacity) {
      this.entry = entry;
      this.capacity = capacity;
    }

    /**
     * Returns the leased model.
     *
     * @return the model and its device and float type
     */
    public LoadedModel model() {
      return entry.model();
    }

    /**
     * Returns what the tasks of this loaded model share under a key, making it on first use; it
     * lives as long as the model stays in the cache.
     *
     * @param key what it is, e.g. the batch size chosen for an input shape
     * @param make makes it, once per key
     * @param <T> its type
     * @return the shared object
     */
    @SuppressWarnings("unchecked")
    public <T> T shared(String key, Supplier<T> make) {
      return (T) entry.shared.computeIfAbsent(key, k -> make.get());
    }

    /** Gives the model back to the cache, which may close it if it was evicted meanwhile. */
    @Override
    public void close() {
      if (!closed) {
        closed = true;
        release(entry, capacity);
      }
    }
  }

  /**
   * Returns the models held per key, for tests.
   *
   * @return key to lease count
   */
  synchronized Map<String, Integer> leases() {
    Map<String, Integer> leases = new LinkedHashMap<>();
    entries.forEach((key, entry) -> leases.put(key, entry.leases));
    return leases;
  }
}
