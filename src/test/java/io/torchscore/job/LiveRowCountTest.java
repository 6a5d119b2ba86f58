package io.torchscore.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The rows the progress shows while tasks run: running attempts' heartbeat reports beside the
 * counts the driver kept from attempts that ended, each partition counted once.
 */
class LiveRowCountTest {

  private final LiveRowCount live = new LiveRowCount();

  private static RowsSeen rows(long all, long bad) {
    return new RowsSeen(all, bad);
  }

  @Test
  void aRunningAttemptsReportsCountBeforeItEnds() {
    live.started(7);
    live.reported(7, Map.of(0, rows(400, 3)));

    assertThat(live.total(Map.of())).isEqualTo(rows(400, 3));

    live.reported(7, Map.of(0, rows(900, 4)));

    assertThat(live.total(Map.of())).as("a later report replaces an earlier one").isEqualTo(rows(900, 4));
  }

  @Test
  void anAttemptsFinalCountReplacesItsPartialOneOnceTheDriverKeptIt() {
    live.started(7);
    live.reported(7, Map.of(0, rows(400, 3)));
    Map<Integer, RowsSeen> kept = Map.of(0, rows(1000, 5));

    // The driver merged the attempt's counts; its end is still on its way to the listener.
    assertThat(live.total(kept)).isEqualTo(rows(1000, 5));

    live.ended(7);

    assertThat(live.total(kept)).isEqualTo(rows(1000, 5));
  }

  @Test
  void aFailedAttemptsPartialCountDisappearsAndItsRetryCountsAlone() {
    live.started(7);
    live.reported(7, Map.of(0, rows(400, 3)));
    live.ended(7);

    assertThat(live.total(Map.of())).isEqualTo(rows(0, 0));

    live.started(8);
    live.reported(8, Map.of(0, rows(100, 1)));

    assertThat(live.total(Map.of())).isEqualTo(rows(100, 1));
  }

  @Test
  void twoAttemptsOfOnePartitionCountOnceAsTheOneThatSawMore() {
    live.started(7);
    live.started(9);
    live.reported(7, Map.of(0, rows(600, 0)));
    live.reported(9, Map.of(0, rows(250, 2)));

    assertThat(live.total(Map.of())).isEqualTo(rows(600, 0));
  }

  @Test
  void runningPartitionsAddToThoseThatEnded() {
    live.started(7);
    live.started(8);
    live.reported(7, Map.of(1, rows(300, 1)));
    live.reported(8, Map.of(2, rows(50, 0)));
    Map<Integer, RowsSeen> kept = Map.of(0, rows(1000, 5), -1, rows(2, 2));

    assertThat(live.total(kept)).isEqualTo(rows(1352, 8));
  }

  @Test
  void aReportFromAnAttemptNotRunningIsIgnored() {
    live.reported(7, Map.of(0, rows(400, 3)));
    live.started(8);
    live.ended(8);
    // A heartbeat sent while the attempt ran, heard after its end.
    live.reported(8, Map.of(0, rows(500, 0)));

    assertThat(live.total(Map.of())).isEqualTo(rows(0, 0));
  }
}
