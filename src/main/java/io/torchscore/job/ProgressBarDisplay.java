package io.torchscore.job;

import java.io.PrintStream;
import java.text.DecimalFormat;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on a terminal: rows scored of the total (or rows and rows/s when the total is
 * not known), elapsed time and ETA, and the bad rows so far.
 */
final class ProgressBarDisplay implements ProgressDisplay {

  private final ProgressBar bar;
  private final boolean totalKnown;

  /**
   * Starts drawing the bar.
   *
   * @param out the terminal's stream
   * @param columns the terminal's width; given, so that no terminal is opened to ask it
   * @param totalRows the rows to score, or -1 when not known
   */
  ProgressBarDisplay(PrintStream out, int columns, long totalRows) {
    this.totalKnown = totalRows >= 0;
    this.bar =
        new ProgressBarBuilder()
            .setTaskName("Scoring")
            .setInitialMax(totalRows)
            .setUnit(" rows", 1)
            .showSpeed(new DecimalFormat("#,##0"))
            .setStyle(ProgressBarStyle.ASCII)
            .setUpdateIntervalMillis(500)
            // Redrawn each interval, not only when the count grew: the clock ticks, bad rows show.
            .continuousUpdate()
            .setConsumer(new ConsoleProgressBarConsumer(out, Math.max(columns - 1, 1)))
            .build();
    bar.setExtraMessage(badRows(0));
  }

  @Override
  public void update(long rowsSeen, long badRows) {
    bar.stepTo(rowsSeen);
    bar.setExtraMessage(badRows(badRows));
  }

  @Override
  public void close() {
    if (!totalKnown) {
      // The count is now known: the last frame shows it as the total.
      bar.maxHint(bar.getCurrent());
    }
    bar.close();
  }

  private static String badRows(long count) {
    return String.format(", %,d bad", count);
  }
}
