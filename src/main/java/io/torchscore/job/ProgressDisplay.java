package io.torchscore.job;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shows the job's progress while it scores: a bar when stderr is a terminal, else a log line
 * every 30 seconds (cron, Databricks driver logs).
 */
interface ProgressDisplay extends AutoCloseable {

  /**
   * The terminal's width in columns, set by {@code jobs/score} when its stderr is a terminal; the
   * job draws a bar only then (or when the JVM has a console), so a redirected stderr gets lines.
   */
  String TERMINAL_COLUMNS_ENV = "TORCHSCORE_TERMINAL_COLUMNS";

  /** Width of the bar when the JVM has a console but no width was given. */
  int DEFAULT_COLUMNS = 80;

  /**
   * Takes the rows seen so far: scored, nulled and skipped.
   *
   * @param rowsSeen rows the scoring has read
   * @param badRows those of them that were bad
   */
  void update(long rowsSeen, long badRows);

  /** Shows the final counts and stops. */
  @Override
  void close();

  /**
   * Returns the display for this process's stderr.
   *
   * @param totalRows the rows to score, or -1 when not known
   * @return a bar on a terminal, else log lines
   */
  static ProgressDisplay onStderr(long totalRows) {
    int columns = terminalColumns(System.getenv(TERMINAL_COLUMNS_ENV), System.console() != null);
    Logger log = LoggerFactory.getLogger(ScoreJob.class);
    return columns > 0
        ? new ProgressBarDisplay(System.err, columns, totalRows)
        : new ProgressLogLine(totalRows, log::info);
  }

  /** Returns the bar's width, or 0 for log lines. */
  static int terminalColumns(String fromScript, boolean hasConsole) {
    if (fromScript != null && fromScript.matches("\\d{1,4}")) {
      return Integer.parseInt(fromScript);
    }
    return fromScript == null && hasConsole ? DEFAULT_COLUMNS : 0;
  }
}
