package io.torchscore.notebooks;

import java.io.PrintWriter;
import java.io.StringWriter;
import scala.tools.nsc.Settings;
import scala.tools.nsc.interpreter.IMain;
import scala.tools.nsc.interpreter.Results;
import scala.tools.nsc.interpreter.shell.ReplReporterImpl;

/**
 * Runs Scala notebook cells one after another in a Scala 2.13 interpreter in this JVM, as a
 * notebook's REPL does: each cell sees what the cells before it defined, with {@code spark} and
 * {@code display} bound to {@link NotebookRuntime}.
 */
final class ScalaNotebook implements AutoCloseable {

  private static final String PRELUDE =
      "val spark = io.torchscore.notebooks.NotebookRuntime.spark()\n"
          + "def display(frame: org.apache.spark.sql.Dataset[_]): Unit ="
          + " io.torchscore.notebooks.NotebookRuntime.display(frame)\n";

  private final StringWriter output = new StringWriter();
  private final IMain repl;

  ScalaNotebook() {
    Settings settings = new Settings();
    // Surefire runs tests from a manifest-only jar: the real classpath is in this property.
    settings.classpath().value_$eq(
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
    repl = new IMain(settings, new ReplReporterImpl(settings, new PrintWriter(output, true)));
    run(PRELUDE);
  }

  /**
   * Interprets one cell.
   *
   * @param code the cell's Scala code
   * @throws AssertionError with the interpreter's output when it does not compile or throws
   */
  void run(String code) {
    int start = output.getBuffer().length();
    Results.Result result = repl.interpret(code);
    if (result != Results.Success$.MODULE$) {
      throw new AssertionError(
          "The cell failed (" + result + "):\n" + code + "\n---\n" + output.getBuffer().substring(start));
    }
  }

  /** Returns the value of a name the cells defined. */
  Object value(String name) {
    return repl.valueOfTerm(name).get();
  }

  @Override
  public void close() {
    repl.close();
  }
}
