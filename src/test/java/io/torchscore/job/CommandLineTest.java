package io.torchscore.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.torchscore.config.ConfKeys;
import io.torchscore.config.Setting;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line as a newcomer meets it: --help lists every setting, -V the version, typos fail at once. */
class CommandLineTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = ScoreCommand.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void helpListsEverySettingWithItsDefault() {
    assertThat(run("--help")).isZero();

    // picocli wraps long lines: compare without whitespace.
    String help = out.toString().replaceAll("\\s", "");
    for (Setting<?> setting : ConfKeys.all()) {
      assertThat(help).contains(setting.key()).contains(("default " + setting.defaultText() + ":").replaceAll("\\s", ""));
    }
    assertThat(help).contains("spark.torchscore.device(auto|cpu|gpu),defaultauto:");
    assertThat(help).contains("spark.torchscore.postprocess(none|softmax|argmax|topk|softmax+topk),defaultnone:");
  }

  @Test
  void helpIndentsEachSettingsWrappedLinesUnderItsKeyAndListsOnlyAcceptedChoices() {
    assertThat(run("--help")).isZero();

    List<String> lines = out.toString().lines().toList();
    List<String> settings = lines.subList(lines.indexOf("Settings (Spark conf keys, from --conf, --properties-file or spark-submit):") + 1, lines.size()).stream()
            .filter(line -> !line.isBlank())
            .toList();
    assertThat(settings).isNotEmpty().allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(80));
    assertThat(settings).allSatisfy(line -> assertThat(line).matches("  spark\\.torchscore\\..*|      \\S.*"));
    assertThat(settings.stream().filter(line -> line.startsWith("  spark.")).count()).isEqualTo(ConfKeys.all().size() + 1);
    assertThat(out.toString()).contains("spark.torchscore.precision (auto|fp32|fp16), default auto:");
  }

  @Test
  void versionPrintsTheBuiltVersion() throws Exception {
    assertThat(run("-V")).isZero();

    String pom = Files.readString(Path.of("pom.xml"));
    String version = pom.substring(pom.indexOf("<version>") + 9, pom.indexOf("</version>"));
    assertThat(out.toString().trim()).isEqualTo("torchscore " + version);
  }

  @Test
  void aSparkSubmitOptionEmbeddedSparkLacksFailsInOneLine() {
    assertThat(run("--deploy-mode", "cluster", "--conf", "spark.master=local[1]")).isEqualTo(ScoreCommand.EXIT_BAD_INPUT);

    assertThat(out.toString()).isEmpty();
    assertThat(err.toString().lines())
        .containsExactly(
            "torchscore: Unknown option --deploy-mode: this job, run without spark-submit (on an embedded local Spark),"
                + " takes --master, --name, --driver-memory, --conf KEY=VALUE and --properties-file; give other spark.*"
                + " settings with --conf, or install Spark (spark-submit on the PATH or SPARK_HOME). jobs/score --help lists them");
  }

  @Test
  void aMistypedSettingFailsInOneLineBeforeSparkStarts() {
    boolean sessionBefore = SparkSession.getDefaultSession().isDefined();

    int code =
        run(
            "--conf", "spark.master=local[1]",
            "--conf", "spark.torchscore.model.path=m.pt",
            "--conf", "spark.torchscore.features=f",
            "--conf", "spark.torchscore.input.path=in",
            "--conf", "spark.torchscore.output.path=out",
            "--conf", "spark.torchscore.batchsize=1024");

    assertThat(code).isEqualTo(ScoreCommand.EXIT_BAD_INPUT);
    assertThat(err.toString().trim())
        .isEqualTo("torchscore: Unknown setting spark.torchscore.batchsize: did you mean spark.torchscore.batch.size? Every key is listed by jobs/score --help");
    if (!sessionBefore) {
      assertThat(SparkSession.getDefaultSession().isDefined()).as("no Spark session was started").isFalse();
    }
  }
}
