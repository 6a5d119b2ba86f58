package io.torchscore.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One loaded model per (model, device, precision), shared by the tasks on that device, at most
 * {@code cache.models} per device, the least recently used closed once no task holds it.
 */
class ModelCacheTest {

  @TempDir Path cacheDir;

  private final List<LoadedModel> loaded = new ArrayList<>();

  // Loads on the CPU whatever device is asked for: the keys and the lifecycle are under test.
  private final ModelCache cache =
      new ModelCache(
          (ref, file, device, precision) -> {
            Model model = Model.newInstance("cache-test", Device.cpu(), "PyTorch");
            try {
              model.load(file);
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
            LoadedModel result = new LoadedModel(model, device, DataType.FLOAT32);
            loaded.add(result);
            return result;
          });

  @Test
  void tasksOnOneDeviceShareItsModelAndEachDeviceGetsItsOwn() {
    ModelRef mlp = ref("tutorial_mlp.pt");
    int[] loads = new int[1];

    ModelCache.Lease first = cache.acquire(mlp, Device.gpu(0), "auto", 2, () -> loads[0]++);
    ModelCache.Lease second = cache.acquire(mlp, Device.gpu(0), "auto", 2, () -> loads[0]++);
    ModelCache.Lease other = cache.acquire(mlp, Device.gpu(1), "auto", 2, () -> loads[0]++);
    ModelCache.Lease half = cache.acquire(mlp, Device.gpu(1), "fp16", 2, () -> loads[0]++);

    assertThat(second.model()).isSameAs(first.model());
    assertThat(other.model()).isNotSameAs(first.model());
    assertThat(other.model().device()).isEqualTo(Device.gpu(1));
    assertThat(half.model()).isNotSameAs(other.model());
    assertThat(loads[0]).isEqualTo(3);
    assertThat(cache.leases().values()).containsExactly(2, 1, 1);
  }

  @Test
  void theLeastRecentlyUsedModelIsClosedOnceNoTaskHoldsIt() {
    ModelRef a = ref("tutorial_mlp.pt");
    ModelRef b = ref("vector_mlp.pt");
    ModelRef c = ref("columns_model.pt");

    ModelCache.Lease leaseA = cache.acquire(a, Device.cpu(), "auto", 2, () -> { });
    cache.acquire(b, Device.cpu(), "auto", 2, () -> { }).close();
    // A third model passes the bound of 2: b is idle and least recently used, a is still held.
    ModelCache.Lease leaseC = cache.acquire(c, Device.cpu(), "auto", 2, () -> { });

    assertThat(isOpen(loaded.get(1))).isFalse();
    assertThat(isOpen(loaded.get(0))).isTrue();
    assertThat(cache.leases()).hasSize(2);

    // With a and c both held, a fourth model goes over the bound until one is released.
    ModelCache.Lease leaseB = cache.acquire(b, Device.cpu(), "auto", 2, () -> { });
    assertThat(cache.leases()).hasSize(3);
    leaseA.close();
    assertThat(isOpen(loaded.get(0))).isFalse();
    assertThat(cache.leases()).hasSize(2);
    assertThat(isOpen(loaded.get(2))).isTrue();
    leaseB.close();
    leaseC.close();
    assertThat(isOpen(loaded.get(3))).isTrue();
  }

  @Test
  void theBoundIsPerDevice() {
    ModelRef a = ref("tutorial_mlp.pt");
    ModelRef b = ref("vector_mlp.pt");

    cache.acquire(a, Device.gpu(0), "auto", 1, () -> { }).close();
    cache.acquire(b, Device.gpu(1), "auto", 1, () -> { }).close();

    assertThat(cache.leases()).hasSize(2);
    assertThat(loaded).allMatch(ModelCacheTest::isOpen);
  }

  private ModelRef ref(String fixture) {
    Path model = Paths.get("src/test/resources/fixtures", fixture).toAbsolutePath();
    return ModelFetcher.locate(model.toString(), new Configuration(), 1, cacheDir.toString(), null);
  }

  private static boolean isOpen(LoadedModel model) {
    return model.model().getNDManager().isOpen();
  }
}
