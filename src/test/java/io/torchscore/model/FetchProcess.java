package io.torchscore.model;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;

/**
 * A separate JVM that fetches one model into a cache folder from two threads once a start file
 * appears, printing each fetched path: the other side of {@link SharedCacheTest}.
 */
public final class FetchProcess {

  private FetchProcess() {}

  /**
   * Runs the fetches.
   *
   * @param args source URI, sha256, size, cache folder, start file
   * @throws Exception when a fetch fails
   */
  public static void main(String[] args) throws Exception {
    ModelRef ref =
        new ModelRef(
            args[0],
            args[1],
            Long.parseLong(args[2]),
            1,
            args[3],
            new HadoopConf(new Configuration()));
    Path start = Path.of(args[4]);
    System.out.println("ready");
    while (!Files.exists(start)) {
      Thread.sleep(5);
    }
    ExecutorService threads = Executors.newFixedThreadPool(2);
    List<Future<Path>> fetches = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      fetches.add(threads.submit(() -> ModelFetcher.fetch(ref)));
    }
    for (Future<Path> fetch : fetches) {
      System.out.println("fetched " + fetch.get());
    }
    threads.shutdown();
  }
}
