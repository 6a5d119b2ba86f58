package io.torchscore.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The job's progress where no terminal shows it (log lines) and on one (a bar), from given counts. */
class ProgressLogLineTest {

  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final AtomicLong nanos = new AtomicLong();

  /** A display on a clock the test moves, writing a line only when asked (an hour's interval). */
  private ProgressLogLine display(long totalRows) {
    return new ProgressLogLine(totalRows, lines::add, TimeUnit.HOURS.toMillis(1), nanos::get);
  }

  @Test
  void aKnownTotalGivesTheShareTheRateAndTheEta() {
    ProgressLogLine display = display(2000);
    nanos.set(TimeUnit.SECONDS.toNanos(10));
    display.update(500, 2);

    // 500 rows in 10 s = 50 rows/s; the other 1,500 take 30 s more.
    assertThat(display.line()).isEqualTo("Progress: scored 500 of 2,000 rows (25%), 2 bad; 50 rows/s; ETA 0:00:30");
    display.close();
  }

  @Test
  void aLongRunsEtaIsInHoursMinutesAndSeconds() {
    ProgressLogLine display = display(1_000_000);
    nanos.set(TimeUnit.SECONDS.toNanos(10));
    display.update(1000, 0);

    // 100 rows/s; 999,000 rows left = 9,990 s = 2 h 46 min 30 s.
    assertThat(display.line()).isEqualTo("Progress: scored 1,000 of 1,000,000 rows (0%), 0 bad; 100 rows/s; ETA 2:46:30");
    display.close();
  }

  @Test
  void anUnknownTotalGivesRowsAndRateOnly() {
    ProgressLogLine display = display(-1);
    nanos.set(TimeUnit.SECONDS.toNanos(4));
    display.update(1200, 7);

    assertThat(display.line()).isEqualTo("Progress: scored 1,200 rows, 7 bad; 300 rows/s");
    display.close();
  }

  @Test
  void writesALineEachIntervalAndALastOneWhenClosed() throws InterruptedException {
    ProgressLogLine display = new ProgressLogLine(10, lines::add, 20, nanos::get);
    display.update(1, 0);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (lines.size() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(lines).hasSizeGreaterThanOrEqualTo(2).allMatch(line -> line.startsWith("Progress: scored 1 of 10 rows (10%), 0 bad"));

    nanos.set(TimeUnit.SECONDS.toNanos(5));
    display.update(10, 1);
    display.close();
    int closed = lines.size();
    Thread.sleep(100);

    assertThat(lines).hasSize(closed);
    assertThat(lines.get(closed - 1)).isEqualTo("Progress: scored 10 of 10 rows (100%), 1 bad; 2 rows/s; ETA 0:00:00");
  }

  @Test
  void aBarWithoutATotalEndsShowingTheRowsSeenAsTheTotal() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ProgressBarDisplay bar = new ProgressBarDisplay(new PrintStream(bytes, true, StandardCharsets.UTF_8), 100, -1);
    bar.update(1000, 3);
    bar.close();

    String screen = bytes.toString(StandardCharsets.UTF_8);
    String lastFrame = screen.substring(screen.lastIndexOf('\r') + 1).trim();
    assertThat(lastFrame).startsWith("Scoring 100% [").contains("] 1000/1000 rows").endsWith(", 3 bad").hasSizeLessThan(100);
  }

  @Test
  void drawsABarOnlyWhereStderrIsATerminal() {
    assertThat(ProgressDisplay.terminalColumns("132", false)).isEqualTo(132);
    assertThat(ProgressDisplay.terminalColumns("0", true)).as("jobs/score saw no terminal").isZero();
    assertThat(ProgressDisplay.terminalColumns(null, true)).isEqualTo(ProgressDisplay.DEFAULT_COLUMNS);
    assertThat(ProgressDisplay.terminalColumns(null, false)).isZero();
  }
}
