package io.torchscore.model;

import io.torchscore.config.Redaction;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries an I/O action with pauses that double from a first delay until a total time is spent, so
 * a model file that is briefly missing or unreachable does not fail a task at once.
 */
final class Backoff {

  private static final Logger LOG = LoggerFactory.getLogger(Backoff.class);

  /** About 30 s in all: attempts at 0, 0.5, 1.5, 3.5, 7.5, 15.5 and 30 s. */
  static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(30), Duration.ofMillis(500));

  private final long totalNanos;
  private final long firstDelayNanos;

  /**
   * Creates a policy.
   *
   * @param total how long to keep trying, from the first attempt
   * @param firstDelay the pause after the first failure, doubled after each further one
   */
  Backoff(Duration total, Duration firstDelay) {
    this.totalNanos = total.toNanos();
    this.firstDelayNanos = firstDelay.toNanos();
  }

  /** An I/O action to retry. */
  interface Action<T> {
    T run() throws IOException;
  }

  /** The last failure once the time is spent, with how many attempts were made in how long. */
  static final class Exhausted extends Exception {

    private static final long serialVersionUID = 1L;

    private final int attempts;
    private final long seconds;

    Exhausted(int attempts, long seconds, IOException last) {
      super(last);
      this.attempts = attempts;
      this.seconds = seconds;
    }

    int attempts() {
      return attempts;
    }

    long seconds() {
      return seconds;
    }

    IOException last() {
      return (IOException) getCause();
    }
  }

  /**
   * Runs the action until it succeeds or the total time is spent.
   *
   * @param what the action's subject for the log, already safe to log
   * @param action the action
   * @return the action's result
   * @throws Exhausted with the last failure when no attempt succeeded in time, or the thread was
   *     interrupted (the task was killed) while waiting
   */
  <T> T run(String what, Action<T> action) throws Exhausted {
    long start = System.nanoTime();
    long delay = firstDelayNanos;
    int attempts = 0;
    while (true) {
      attempts++;
      try {
        return action.run();
      } catch (IOException e) {
        long elapsed = System.nanoTime() - start;
        long remaining = totalNanos - elapsed;
        if (remaining <= 0) {
          throw new Exhausted(attempts, Duration.ofNanos(elapsed).toSeconds(), e);
        }
        long pause = Math.min(delay, remaining);
        LOG.warn(
            "Attempt {} at {} failed ({}); retrying in {} ms",
            attempts,
            what,
            Redaction.uri(e.toString()),
            Duration.ofNanos(pause).toMillis());
        try {
          TimeUnit.NANOSECONDS.sleep(pause);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new Exhausted(attempts, Duration.ofNanos(System.nanoTime() - start).toSeconds(), e);
        }
        delay *= 2;
      }
    }
  }
}
