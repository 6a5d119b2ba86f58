package io.torchscore.config;

import io.torchscore.config.Setting.Scope;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

/**
 * Writes {@code docs/settings.md}, the settings reference, from the declarations in
 * {@link ConfKeys}: one table per scope, a row per setting with its key, allowed values, default
 * and documentation line. A test compares the committed page with {@link #render()}, so the page
 * cannot drift from the code.
 *
 * <pre>{@code
 * mvn -B -ntp compile exec:java@settings-doc
 * }</pre>
 */
public final class SettingsDoc {

  /** Where the page lives, relative to the repository root. */
  public static final String PATH = "docs/settings.md";

  /** The command that regenerates the page, run from the repository root. */
  public static final String COMMAND = "mvn -B -ntp compile exec:java@settings-doc";

  private SettingsDoc() {}

  /**
   * Writes the page to the path given, or prints it when no path is given.
   *
   * @param args at most one argument: the file to write
   * @throws IOException when the file cannot be written
   */
  public static void main(String[] args) throws IOException {
    if (args.length == 0) {
      System.out.print(render());
    } else {
      Files.writeString(Path.of(args[0]), render(), StandardCharsets.UTF_8);
    }
  }

  /**
   * Renders the settings page as Markdown.
   *
   * @return the page, ending with a newline
   */
  public static String render() {
    StringBuilder page = new StringBuilder();
    page.append("<!-- Generated from io.torchscore.config.ConfKeys by SettingsDoc; do not edit.\n")
        .append("     Regenerate: ").append(COMMAND).append(" -->\n")
        .append("# Settings\n\n")
        .append("Every setting is a Spark conf key under `").append(ConfKeys.PREFIX).append("`, so the same")
        .append(" settings work from\n`spark-submit --conf`, a `--properties-file`, a Databricks job's")
        .append(" `spark_conf` or `spark.conf.set` in a\nnotebook. The library takes them by short name")
        .append(" too (the key without `").append(ConfKeys.PREFIX).append("`):\n")
        .append("`TorchScorer.builder().option(\"batch.size\", \"1024\")`, the Spark ML stage's")
        .append(" `setOption`, and PySpark's\nkeywords with `_` for `.` (`batch_size=1024`).")
        .append(" An unknown `").append(ConfKeys.PREFIX).append("*` key is refused, naming\nthe")
        .append(" closest one. `jobs/score --help` lists the same settings.\n\n")
        .append("What the settings do together: [inputs and outputs](data.md),")
        .append(" [GPUs](gpu.md),\n[failure behaviour](failure-behaviour.md),")
        .append(" [the job](job.md), [performance](performance.md).\n");
    section(page, "Scoring", "Read by the library (Java, Scala, PySpark, the Spark ML stage) and the job.",
        ConfKeys.all(Scope.SCORING), "");
    section(page, "The job's input and output", "Read by the job only (`jobs/score`, `ScoreCommand`).",
        ConfKeys.all(Scope.JOB),
        "| `" + ConfKeys.INPUT_OPTION_PREFIX + "<name>` | | | a reader option, e.g. `"
            + ConfKeys.INPUT_OPTION_PREFIX + "header=true` |\n");
    return page.toString();
  }

  private static void section(
      StringBuilder page, String title, String intro, List<Setting<?>> settings, String extraRows) {
    page.append("\n## ").append(title).append("\n\n").append(intro).append("\n\n")
        .append("| key | values | default | meaning |\n")
        .append("|---|---|---|---|\n");
    for (Setting<?> setting : settings) {
      page.append("| `").append(setting.key()).append("` | ")
          .append(values(setting)).append(" | ")
          .append(defaultCell(setting)).append(" | ")
          .append(text(setting.doc())).append(" |\n");
    }
    page.append(extraRows);
  }

  /**
   * The allowed values of an enumerated setting, else what its declaration expects (as its error
   * message says it), else the kind of value its type holds.
   */
  private static String values(Setting<?> setting) {
    if (!setting.allowed().isEmpty()) {
      return "`" + String.join("`, `", setting.allowed()) + "`";
    }
    if (setting.expected() != null) {
      return setting.expected().replace("auto", "`auto`");
    }
    Class<?> type = setting.type();
    if (type == Boolean.class) {
      return "`true`, `false`";
    }
    if (type == Integer.class || type == Long.class) {
      return "whole number";
    }
    if (type == Double.class || type == Float.class) {
      return "number";
    }
    return "";
  }

  /** A literal default as code; a described one ("required", "the output format") as text. */
  private static String defaultCell(Setting<?> setting) {
    Object value = setting.defaultValue();
    boolean literal =
        value != null
            && !(value instanceof Collection<?> list && list.isEmpty())
            && !setting.defaultText().contains(" ");
    return literal ? "`" + setting.defaultText() + "`" : text(setting.defaultText());
  }

  /** Escapes what Markdown would read as a table border, HTML or emphasis. */
  private static String text(String plain) {
    return plain
        .replace("\\", "\\\\")
        .replace("|", "\\|")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("*", "\\*")
        .replace("_", "\\_");
  }
}
