package io.torchscore.job;

import io.torchscore.TorchScoreException;
import io.torchscore.config.ConfKeys;
import io.torchscore.config.JobSettings;
import io.torchscore.config.Redaction;
import io.torchscore.config.Setting;
import io.torchscore.spark.SessionConf;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import scala.Tuple2;

/**
 * The scoring job's entry point. Settings are Spark conf keys ({@code spark.torchscore.*}) from
 * spark-submit's own flags, or from {@code --properties-file} and {@code --conf} given here when
 * the job runs on an embedded local Spark. Without {@code spark.master} it runs on
 * {@code local[*]}.
 */
@Command(
    name = "score",
    mixinStandardHelpOptions = true,
    versionProvider = ScoreCommand.Version.class,
    description = "Appends a TorchScript model's predictions to a table, on Spark.")
public final class ScoreCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(ScoreCommand.class);

  private static final String SPARK_PLUGINS = "spark.plugins";
  private static final String REDACTION_REGEX = "spark.redaction.regex";
  private static final String REDACTION_STRING_REGEX = "spark.redaction.string.regex";
  // Spark's default spark.redaction.regex, kept when the job adds to it.
  private static final String SPARK_REDACTION_DEFAULT = "(?i)secret|password|token|access[.]?key";
  // Credentials in a URI: s3a://KEY:SECRET@bucket/...
  private static final String URI_USER_INFO = "(?<=://)[^/@\\s]+@";
  private static final String HEARTBEAT_INTERVAL = "spark.executor.heartbeatInterval";
  // Running tasks' counts reach the progress bar with each heartbeat (Spark's default: 10 s).
  private static final String HEARTBEAT_INTERVAL_DEFAULT = "1s";
  private static final String HEARTBEAT_MAX_FAILURES = "spark.executor.heartbeat.maxFailures";
  // An executor exits after this many failed heartbeats in a row: 600 of 1 s keeps Spark's 10
  // minutes (60 of 10 s) of waiting for a driver that stopped answering.
  private static final String HEARTBEAT_MAX_FAILURES_DEFAULT = "600";

  /** Exit code for a bad or missing setting, model or input: the user can fix it. */
  public static final int EXIT_BAD_INPUT = 2;

  /** Exit code for a failure while the job ran. */
  public static final int EXIT_FAILED = 1;

  @Option(
      names = "--properties-file",
      paramLabel = "FILE",
      description = "A Java properties file of Spark conf keys, as spark-submit takes.")
  private Path propertiesFile;

  @Option(
      names = "--conf",
      paramLabel = "KEY=VALUE",
      description = "A Spark conf key; wins over the properties file.")
  private Map<String, String> conf = new LinkedHashMap<>();

  @Option(
      names = "--master",
      paramLabel = "URL",
      description = "spark.master, as spark-submit takes it (local[4], spark://host:7077); wins over --conf.")
  private String master;

  @Option(names = "--name", paramLabel = "NAME", description = "spark.app.name; wins over --conf.")
  private String name;

  @Option(
      names = "--driver-memory",
      paramLabel = "SIZE",
      description = "spark.driver.memory (2g); jobs/score starts its embedded JVM with it as -Xmx.")
  private String driverMemory;

  @Spec private CommandSpec spec;

  /**
   * Runs the command and exits with its code.
   *
   * @param args the command-line arguments
   */
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /**
   * Returns the command line, its {@code --help} listing every setting with its default.
   *
   * @return the command line to execute
   */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new ScoreCommand());
    int width = cli.getUsageHelpWidth();
    StringBuilder settings = new StringBuilder();
    for (Setting<?> setting : ConfKeys.all()) {
      settings.append(hangingIndent(ConfKeys.describe(setting), width));
    }
    settings.append(hangingIndent(ConfKeys.INPUT_OPTION_PREFIX + "<name>: a reader option", width));
    cli.getCommandSpec()
        .usageMessage()
        .footerHeading("%nSettings (Spark conf keys, from --conf, --properties-file or spark-submit):%n")
        .footer(settings.toString().replace("%", "%%").replace("%%n", "%n"));
    // One line, not the whole usage with every setting, for an option this command lacks.
    cli.setParameterExceptionHandler(
        (e, args) -> {
          e.getCommandLine().getErr().println("torchscore: " + badOption(e));
          return EXIT_BAD_INPUT;
        });
    return cli;
  }

  /**
   * Wraps a setting's description to the help's width: the key two spaces in, its wrapped lines six,
   * so that each key stands out.
   */
  static String hangingIndent(String text, int width) {
    StringBuilder lines = new StringBuilder();
    StringBuilder line = new StringBuilder("  ");
    for (String word : text.split(" ")) {
      if (line.length() > 6 && line.length() + 1 + word.length() > width) {
        lines.append(line).append("%n");
        line = new StringBuilder("      ");
      } else if (!line.toString().isBlank()) {
        line.append(' ');
      }
      line.append(word);
    }
    return lines.append(line).append("%n").toString();
  }

  private static String badOption(CommandLine.ParameterException e) {
    if (e instanceof CommandLine.UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()) {
      return String.format(
          "Unknown option %s: this job, run without spark-submit (on an embedded local Spark), takes"
              + " --master, --name, --driver-memory, --conf KEY=VALUE and --properties-file; give other"
              + " spark.* settings with --conf, or install Spark (spark-submit on the PATH or SPARK_HOME)."
              + " jobs/score --help lists them",
          unmatched.getUnmatched().get(0));
    }
    return e.getMessage() + "; jobs/score --help lists the options";
  }

  /** Prints the version built into the jar. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
      Properties properties = new Properties();
      try (InputStream in = ScoreCommand.class.getResourceAsStream("/io/torchscore/version.properties")) {
        if (in != null) {
          properties.load(in);
        }
      }
      return new String[] {"torchscore " + properties.getProperty("version", "(unknown version)")};
    }
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Map<String, String> given;
    try {
      given = givenConf();
    } catch (TorchScoreException e) {
      err.println("torchscore: " + e.getMessage());
      return EXIT_BAD_INPUT;
    }
    SparkConf sparkConf = sparkConf(given);
    try {
      // Settings are checked before Spark starts: a typo costs a second, not a cluster start-up.
      JobSettings.fromConf(entries(sparkConf.getAll()));
    } catch (TorchScoreException e) {
      err.println("torchscore: " + Redaction.uri(TorchScoreException.firstLine(e.getMessage())));
      return EXIT_BAD_INPUT;
    }
    // A Databricks JAR task or a notebook shares its session: the job must not stop it.
    SparkSession existing = running();
    SparkSession spark;
    try {
      spark = SparkSession.builder().config(sparkConf).getOrCreate();
    } catch (RuntimeException e) {
      // Spark refused a setting (or its host) while starting; its own trace is in the log file.
      LOG.debug("Spark did not start: {}", stackTrace(e));
      err.println(
          "torchscore: Cannot start Spark: "
              + Redaction.uri(TorchScoreException.firstLine(String.valueOf(e.getMessage()))).replaceAll("\\.$", "")
              + "; fix the Spark setting it names (--conf or the properties file)");
      return EXIT_BAD_INPUT;
    }
    boolean shared = spark == existing;
    try {
      Map<String, String> settings = sparkConf(spark);
      LOG.debug("Job settings: {}", torchscoreSettings(settings));
      RunReport report = new ScoreJob(spark, JobSettings.fromConf(settings)).run();
      out.println(report.summary());
      return 0;
    } catch (RunFailedException e) {
      return failed(err, e.getMessage(), e);
    } catch (TorchScoreException e) {
      LOG.debug("The job's settings, model or input are not usable: {}", stackTrace(e));
      err.println("torchscore: " + Redaction.uri(TorchScoreException.firstLine(e.getMessage())));
      return EXIT_BAD_INPUT;
    } catch (Exception e) {
      // Spark's SparkException is checked in Java's eyes, yet thrown by its actions.
      return failed(err, runFailure(e), e);
    } finally {
      if (!shared) {
        spark.stop();
      }
    }
  }

  /** Prints one line for a failure while the job ran; its stack trace goes to the debug log. */
  private static int failed(PrintWriter err, String message, Exception failure) {
    LOG.debug("The job failed: {}", stackTrace(failure));
    err.println("torchscore: " + Redaction.uri(TorchScoreException.firstLine(message)));
    return EXIT_FAILED;
  }

  /** Returns the failure's stack trace, causes included, without URI credentials. */
  private static String stackTrace(Throwable failure) {
    StringWriter trace = new StringWriter();
    failure.printStackTrace(new PrintWriter(trace));
    return Redaction.uri(trace.toString());
  }

  private Map<String, String> givenConf() {
    Map<String, String> entries = new LinkedHashMap<>();
    if (propertiesFile != null) {
      TorchScoreException.check(
          Files.isRegularFile(propertiesFile),
          "Cannot read --properties-file %s: no such file",
          propertiesFile);
      Properties properties = new Properties();
      try (InputStream in = Files.newInputStream(propertiesFile)) {
        properties.load(in);
      } catch (IOException e) {
        throw new TorchScoreException(
            e, "Cannot read --properties-file %s: %s", propertiesFile, e.getMessage());
      }
      properties.stringPropertyNames().forEach(key -> entries.put(key, properties.getProperty(key).trim()));
    }
    entries.putAll(conf);
    // As in spark-submit, its own flags win over --conf and the properties file.
    putIfGiven(entries, "spark.master", master);
    putIfGiven(entries, "spark.app.name", name);
    putIfGiven(entries, "spark.driver.memory", driverMemory);
    return entries;
  }

  private static void putIfGiven(Map<String, String> entries, String key, String value) {
    if (value != null) {
      entries.put(key, value);
    }
  }

  static SparkConf sparkConf(Map<String, String> given) {
    SparkConf sparkConf = new SparkConf();
    given.forEach(sparkConf::set);
    if (!sparkConf.contains("spark.master")) {
      sparkConf.setMaster("local[*]");
    }
    if (!sparkConf.contains("spark.app.name")) {
      sparkConf.setAppName("torchscore");
    }
    // Spark hides conf values whose key or value matches spark.redaction.regex (event log, UI,
    // its logs) and the parts of plan strings that match spark.redaction.string.regex.
    sparkConf.set(
        REDACTION_REGEX,
        "(" + sparkConf.get(REDACTION_REGEX, SPARK_REDACTION_DEFAULT) + ")|" + URI_USER_INFO);
    sparkConf.set(
        REDACTION_STRING_REGEX,
        sparkConf.contains(REDACTION_STRING_REGEX)
            ? "(" + sparkConf.get(REDACTION_STRING_REGEX) + ")|" + URI_USER_INFO
            : URI_USER_INFO);
    // On a cluster, a task that failed for its executor's disk runs again on another executor,
    // not on the same one four times; the user's own choice wins.
    String master = sparkConf.get("spark.master");
    if (!master.startsWith("local") || master.startsWith("local-cluster")) {
      sparkConf.setIfMissing("spark.excludeOnFailure.enabled", "true");
      ExecutorAllocator.setDefaults(sparkConf);
    }
    if (!sparkConf.contains(HEARTBEAT_INTERVAL)) {
      sparkConf.set(HEARTBEAT_INTERVAL, HEARTBEAT_INTERVAL_DEFAULT);
      sparkConf.setIfMissing(HEARTBEAT_MAX_FAILURES, HEARTBEAT_MAX_FAILURES_DEFAULT);
    }
    String plugins = sparkConf.get(SPARK_PLUGINS, "");
    if (!Arrays.asList(plugins.split("\\s*,\\s*")).contains(FailFastPlugin.class.getName())) {
      sparkConf.set(
          SPARK_PLUGINS,
          (plugins.isBlank() ? "" : plugins + ",") + FailFastPlugin.class.getName());
    }
    return sparkConf;
  }

  private static Map<String, String> entries(Tuple2<String, String>[] all) {
    Map<String, String> entries = new LinkedHashMap<>();
    for (Tuple2<String, String> entry : all) {
      entries.put(entry._1(), entry._2());
    }
    return entries;
  }

  /** Returns the running session this JVM already has (a notebook's, a JAR task's), or null. */
  private static SparkSession running() {
    for (scala.Option<SparkSession> session : List.of(SparkSession.getActiveSession(), SparkSession.getDefaultSession())) {
      if (session.isDefined() && !session.get().sparkContext().isStopped()) {
        return session.get();
      }
    }
    return null;
  }

  /** Returns the context's conf overlaid with the session's: a shared session takes --conf there. */
  private static Map<String, String> sparkConf(SparkSession spark) {
    Map<String, String> entries = entries(spark.sparkContext().getConf().getAll());
    entries.putAll(SessionConf.entries(spark));
    return entries;
  }

  private static String torchscoreSettings(Map<String, String> settings) {
    StringBuilder line = new StringBuilder();
    new TreeMap<>(settings)
        .forEach(
            (key, value) -> {
              if (key.startsWith(ConfKeys.PREFIX)) {
                line.append(line.length() == 0 ? "" : ", ")
                    .append(key.substring(ConfKeys.PREFIX.length()))
                    .append('=')
                    .append(Redaction.confValue(key, value));
              }
            });
    return line.toString();
  }

  /**
   * Returns what to say about a failure while the job ran: the message of a task's
   * {@link TorchScoreException} when Spark wrapped one or {@link FailFastPlugin} cancelled the job
   * for one, else Spark's own first line.
   */
  private static String runFailure(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof TorchScoreException) {
        return t.getMessage();
      }
    }
    String badRow = FailFastPlugin.firstBadRow();
    if (badRow != null) {
      return badRow;
    }
    return "the job failed: " + TorchScoreException.firstLine(failure.getMessage());
  }
}
