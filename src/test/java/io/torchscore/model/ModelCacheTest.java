package io.torchscore.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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

  private final ModelCache cache = new ModelCache(cpuLoader());

  // Loads on the CPU whatever device is asked for: the keys and the lifecycle are under test.
  private ModelCache.Loader cpuLoader() {
    return (ref, file, device, precision) -> {
      Model model = Model.newInstance("cache-test", Device.cpu(), "PyTorch");
      try {
        model.load(file);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      LoadedModel result = new LoadedModel(model, device, DataType.FLOAT32);
      synchronized (loaded) {
        loaded.add(result);
      }
      return result;
    };
  }

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

  @Test
  void aSlowLoadOfOneModelDoesNotHoldUpTasksOfAnother() throws Exception {
    ModelRef slow = ref("vector_mlp.pt");
    ModelRef loadedAlready = ref("tutorial_mlp.pt");
    CountDownLatch slowStarted = new CountDownLatch(1);
    CountDownLatch finishSlow = new CountDownLatch(1);
    ModelCache blocking = new ModelCache(blockingOn(slow, slowStarted, finishSlow, new AtomicInteger()));
    blocking.acquire(loadedAlready, Device.cpu(), "auto", 2, () -> { }).close();
    ExecutorService tasks = Executors.newFixedThreadPool(2);
    try {
      Future<ModelCache.Lease> slowTask = tasks.submit(() -> blocking.acquire(slow, Device.cpu(), "auto", 2, () -> { }));
      assertThat(slowStarted.await(30, TimeUnit.SECONDS)).isTrue();

      ModelCache.Lease other =
          tasks.submit(() -> blocking.acquire(loadedAlready, Device.cpu(), "auto", 2, () -> { })).get(30, TimeUnit.SECONDS);

      assertThat(slowTask).isNotDone();
      other.close();
      finishSlow.countDown();
      slowTask.get(30, TimeUnit.SECONDS).close();
    } finally {
      finishSlow.countDown();
      tasks.shutdownNow();
    }
  }

  @Test
  void twoTasksAskingForOneUnloadedModelLoadItOnce() throws Exception {
    ModelRef mlp = ref("tutorial_mlp.pt");
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    AtomicInteger loads = new AtomicInteger();
    ModelCache blocking = new ModelCache(blockingOn(mlp, started, finish, loads));
    ExecutorService tasks = Executors.newFixedThreadPool(2);
    try {
      Future<ModelCache.Lease> first = tasks.submit(() -> blocking.acquire(mlp, Device.cpu(), "auto", 2, () -> { }));
      assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
      Future<ModelCache.Lease> second = tasks.submit(() -> blocking.acquire(mlp, Device.cpu(), "auto", 2, () -> { }));
      // The second task holds its lease and waits for the first one's load.
      while (!blocking.leases().containsValue(2)) {
        Thread.sleep(5);
      }
      finish.countDown();

      try (ModelCache.Lease a = first.get(30, TimeUnit.SECONDS);
          ModelCache.Lease b = second.get(30, TimeUnit.SECONDS)) {
        assertThat(b.model()).isSameAs(a.model());
      }
      assertThat(loads).hasValue(1);
    } finally {
      finish.countDown();
      tasks.shutdownNow();
    }
  }

  @Test
  void aFailedLoadIsTriedAgainByTheNextTask() {
    ModelRef mlp = ref("tutorial_mlp.pt");
    AtomicInteger calls = new AtomicInteger();
    ModelCache flaky =
        new ModelCache(
            (ref, file, device, precision) -> {
              if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("first load fails");
              }
              return cpuLoader().load(ref, file, device, precision);
            });

    assertThatThrownBy(() -> flaky.acquire(mlp, Device.cpu(), "auto", 2, () -> { })).hasMessage("first load fails");
    assertThat(flaky.leases()).isEmpty();
    try (ModelCache.Lease lease = flaky.acquire(mlp, Device.cpu(), "auto", 2, () -> { })) {
      assertThat(isOpen(lease.model())).isTrue();
    }
    assertThat(calls).hasValue(2);
  }

  /** A loader that, for one model, says it started and waits to be let finish. */
  private ModelCache.Loader blockingOn(
      ModelRef blocked, CountDownLatch started, CountDownLatch finish, AtomicInteger loads) {
    ModelCache.Loader cpu = cpuLoader();
    return (ref, file, device, precision) -> {
      if (ref.sha256().equals(blocked.sha256())) {
        loads.incrementAndGet();
        started.countDown();
        try {
          finish.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
      return cpu.load(ref, file, device, precision);
    };
  }

  private ModelRef ref(String fixture) {
    Path model = Paths.get("src/test/resources/fixtures", fixture).toAbsolutePath();
    return ModelFetcher.locate(model.toString(), new Configuration(), 1, cacheDir.toString(), null);
  }

  private static boolean isOpen(LoadedModel model) {
    return model.model().getNDManager().isOpen();
  }
}
