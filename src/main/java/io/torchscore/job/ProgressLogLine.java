package io.torchscore.job;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The job's progress as one concise line every 30 seconds, for logs (cron, Databricks), and a last
 * one when the scoring ends, e.g.
 * {@code Progress: scored 500 of 2,000 rows (25%), 2 bad; 50 rows/s; ETA 0:00:30}.
 */
final class ProgressLogLine implements ProgressDisplay {

  private static final long INTERVAL_MILLIS = 30_000;

  private final long totalRows;
  private final Consumer<String> sink;
  private final LongSupplier nanoClock;
  private final long start;
  private final ScheduledExecutorService timer;
  private volatile long rowsSeen;
  private volatile long badRows;

  ProgressLogLine(long totalRows, Consumer<String> sink) {
    this(totalRows, sink, INTERVAL_MILLIS, System::nanoTime);
  }

  /** For tests: another interval and clock. */
  ProgressLogLine(long totalRows, Consumer<String> sink, long intervalMillis, LongSupplier nanoClock) {
    this.totalRows = totalRows;
    this.sink = sink;
    this.nanoClock = nanoClock;
    this.start = nanoClock.getAsLong();
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "torchscore-progress");
              thread.setDaemon(true);
              return thread;
            });
    timer.scheduleAtFixedRate(() -> sink.accept(line()), intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
  }

  @Override
  public void update(long rowsSeen, long badRows) {
    this.rowsSeen = rowsSeen;
    this.badRows = badRows;
  }

  @Override
  public void close() {
    timer.shutdownNow();
    try {
      // A line being written now comes before the last one.
      timer.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    sink.accept(line());
  }

  /** Returns the line for the counts so far. */
  String line() {
    long rows = rowsSeen;
    double seconds = (nanoClock.getAsLong() - start) / 1e9;
    double rate = seconds > 0 ? rows / seconds : 0;
    StringBuilder line = new StringBuilder(String.format("Progress: scored %,d", rows));
    if (totalRows >= 0) {
      line.append(String.format(" of %,d", totalRows));
    }
    line.append((totalRows >= 0 ? totalRows : rows) == 1 ? " row" : " rows");
    if (totalRows > 0) {
      line.append(String.format(" (%d%%)", rows * 100 / totalRows));
    }
    line.append(String.format(", %,d bad; %,.0f rows/s", badRows, rate));
    if (totalRows >= 0 && rate > 0) {
      long eta = Math.round((totalRows - rows) / rate);
      line.append(String.format("; ETA %d:%02d:%02d", eta / 3600, eta / 60 % 60, eta % 60));
    }
    return line.toString();
  }
}
