package io.torchscore.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * Credentials given in a URI or in {@code spark.hadoop.fs.s3a.*} appear nowhere the job writes:
 * its console output, the logs (torchscore's at debug), Spark's event log and the report. The
 * fake credentials contain no word such as "secret" that Spark would hide anyway.
 */
class SecretsTest {

  private static final String KEY = "AKIAFAKE";
  private static final String URI_SECRET = "abc123xyz";
  private static final String S3A_SECRET = "fakeKey123xyz";
  private static final String CREDENTIALS = KEY + ":" + URI_SECRET + "@";

  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private final StringWriter logs = new StringWriter();
  private WriterAppender appender;

  @BeforeEach
  void captureLogs() {
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    appender =
        WriterAppender.newBuilder()
            .setName("secrets-test")
            .setTarget(logs)
            .setLayout(PatternLayout.newBuilder().withPattern("%p %c: %m%n%ex").build())
            .build();
    appender.start();
    context.getConfiguration().getRootLogger().addAppender(appender, Level.ALL, null);
    Configurator.setLevel("io.torchscore", Level.DEBUG);
    context.updateLoggers();
  }

  @AfterEach
  void stopCapturing() {
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    context.getConfiguration().getRootLogger().removeAppender(appender.getName());
    Configurator.setLevel("io.torchscore", Level.INFO);
    context.updateLoggers();
    appender.stop();
  }

  private static String fixture(String name) {
    return Paths.get("src/test/resources/fixtures", name).toAbsolutePath().toString();
  }

  private int run(String... overrides) throws IOException {
    Files.createDirectories(dir.resolve("events"));
    List<String> lines =
        new ArrayList<>(
            List.of(
                "spark.master=local[2]",
                "spark.ui.enabled=false",
                "spark.eventLog.enabled=true",
                "spark.eventLog.compress=false",
                "spark.eventLog.dir=" + dir.resolve("events").toUri(),
                "spark.hadoop.fs.s3a.access.key=" + KEY,
                "spark.hadoop.fs.s3a.secret.key=" + S3A_SECRET,
                "spark.torchscore.model.path=" + fixture("tutorial_mlp.pt"),
                "spark.torchscore.input.path=" + fixture("tutorial_mlp.jsonl"),
                "spark.torchscore.input.format=json",
                "spark.torchscore.input.shape=10",
                "spark.torchscore.features=features",
                "spark.torchscore.output.path=" + dir.resolve("scored"),
                "spark.torchscore.report.path=" + dir.resolve("report.json")));
    lines.addAll(List.of(overrides));
    Path properties = dir.resolve("job.properties");
    Files.write(properties, lines);
    return new CommandLine(new ScoreCommand())
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .execute("--properties-file", properties.toString());
  }

  /** Everything the run wrote: console, logs, event log files and the report if any. */
  private String written() throws IOException {
    StringBuilder all = new StringBuilder(out + "\n" + err + "\n" + logs + "\n");
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        if (file.startsWith(dir.resolve("events")) || file.endsWith("report.json") || file.endsWith("report.html")) {
          all.append(Files.readString(file)).append('\n');
        }
      }
    }
    return all.toString();
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(
      strings = {
        "",
        "spark.torchscore.model.path=file://" + CREDENTIALS + "/nonexistent/m.pt",
        "spark.torchscore.input.path=s3a://" + CREDENTIALS + "bucket/table",
        "spark.torchscore.output.path=s3a://" + CREDENTIALS + "bucket/scored"
      })
  void credentialsAppearNowhere(String setting) throws IOException {
    int code = setting.isEmpty() ? run() : run(setting);

    assertThat(code).as(err.toString()).isEqualTo(setting.isEmpty() ? 0 : ScoreCommand.EXIT_BAD_INPUT);
    String written = written();
    assertThat(written).contains(setting.isEmpty() ? "Scored 1,000 rows" : "torchscore: Cannot use");
    assertThat(written).doesNotContain(KEY).doesNotContain(URI_SECRET).doesNotContain(S3A_SECRET);
  }
}
