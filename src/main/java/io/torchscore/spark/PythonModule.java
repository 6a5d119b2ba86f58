package io.torchscore.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The PySpark module {@code torchscore.py}, packed at the jar's root, for a Python session that
 * has the jar but not the module: a notebook writes it to a local folder on its {@code sys.path}.
 *
 * <pre>{@code
 * with open(os.path.join(folder, "torchscore.py"), "w") as module:
 *     module.write(spark._jvm.io.torchscore.spark.PythonModule.source())
 * }</pre>
 */
public final class PythonModule {

  private PythonModule() {}

  /**
   * Returns the module's source.
   *
   * @return the text of {@code torchscore.py}
   */
  public static String source() {
    try (InputStream in =
        Objects.requireNonNull(PythonModule.class.getResourceAsStream("/torchscore.py"), "Cannot read torchscore.py: it is not in this jar")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read torchscore.py from the jar", e);
    }
  }
}
