package io.torchscore.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the benchmark ran on, for the results: CPU, cores, memory, JVM. */
final class Machine {

  private Machine() {}

  static Map<String, Object> describe() {
    Map<String, Object> machine = new LinkedHashMap<>();
    String cpu = "unknown CPU";
    long memoryKb = 0;
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          cpu = line.substring(line.indexOf(':') + 1).trim();
          break;
        }
      }
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          memoryKb = Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux: the summary says less.
    }
    int cores = Runtime.getRuntime().availableProcessors();
    machine.put("cpu", cpu);
    machine.put("cores", cores);
    machine.put("memory_gib", Math.round(memoryKb / 1024.0 / 1024.0 * 10) / 10.0);
    machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    machine.put(
        "summary",
        String.format("%d cores (%s), %.0f GiB, Java %s", cores, cpu, memoryKb / 1024.0 / 1024.0,
            System.getProperty("java.version")));
    return machine;
  }
}
