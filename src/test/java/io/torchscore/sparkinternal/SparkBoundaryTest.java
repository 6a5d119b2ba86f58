package io.torchscore.sparkinternal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Spark's internal API (catalyst, {@code sql.execution}, {@code sql.vectorized}, {@code unsafe})
 * is used in {@code io.torchscore.sparkinternal} only: the spark package may name
 * {@code InternalRow}, the element type of the scoring iterator, and no other package names any of
 * it, whether by an import, a fully qualified name in code or a class name in a string. Comments
 * may mention it.
 */
class SparkBoundaryTest {

  private static final Path MAIN = Path.of("src/main/java");
  private static final String INTERNAL_PACKAGE = "io.torchscore.sparkinternal";
  private static final String SPARK_PACKAGE = "io.torchscore.spark";
  private static final String INTERNAL_ROW = "org.apache.spark.sql.catalyst.InternalRow";
  private static final Pattern INTERNAL_NAME =
      Pattern.compile("\\borg\\.apache\\.spark\\.(?:sql\\.(?:catalyst|execution|vectorized)|unsafe)\\b[\\w.$*]*");
  private static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);

  @Test
  void noMainSourceOutsideSparkinternalUsesSparksInternalApi() throws IOException {
    List<String> violations = new ArrayList<>();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(MAIN)) {
      files = walk.filter(file -> file.toString().endsWith(".java")).sorted().toList();
    }
    for (Path file : files) {
      violations.addAll(violations(MAIN.relativize(file).toString(), Files.readString(file)));
    }

    // The walk saw the packages that read rows and the one that holds the internal API.
    assertThat(files)
        .contains(
            MAIN.resolve("io/torchscore/tensor/InputBuffer.java"),
            MAIN.resolve("io/torchscore/spark/RowBatch.java"),
            MAIN.resolve("io/torchscore/sparkinternal/InternalRowValues.java"));
    assertThat(violations).as("Spark's internal API outside %s", INTERNAL_PACKAGE).isEmpty();
  }

  @Test
  void aCatalystImportInTheTensorPackageIsReportedWithItsFile() {
    String source =
        """
        package io.torchscore.tensor;

        import java.util.List;
        import org.apache.spark.sql.catalyst.InternalRow;
        import org.apache.spark.sql.types.DataType;

        final class Reader {}
        """;

    assertThat(violations("io/torchscore/tensor/Reader.java", source))
        .containsExactly("io/torchscore/tensor/Reader.java: org.apache.spark.sql.catalyst.InternalRow");
  }

  @Test
  void aFullyQualifiedNameInCodeOrAStringIsReported() {
    String source =
        """
        package io.torchscore.spark;

        final class Copier {
          String opening = "/*";

          float first(Object base, long offset) {
            return org.apache.spark.unsafe.Platform.getFloat(base, offset);
          }

          Class<?> vectors() throws ClassNotFoundException {
            return Class.forName("org.apache.spark.sql.execution.vectorized.OnHeapColumnVector");
          }
        }
        """;

    assertThat(violations("io/torchscore/spark/Copier.java", source))
        .containsExactly(
            "io/torchscore/spark/Copier.java: org.apache.spark.unsafe.Platform.getFloat",
            "io/torchscore/spark/Copier.java: org.apache.spark.sql.execution.vectorized.OnHeapColumnVector");
  }

  @Test
  void theSparkPackageMayImportInternalRowAndNothingElseOfCatalyst() {
    String source =
        """
        package io.torchscore.spark;

        import org.apache.spark.sql.catalyst.InternalRow;
        import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
        import org.apache.spark.sql.vectorized.*;
        """;

    assertThat(violations("io/torchscore/spark/Rows.java", source))
        .containsExactly(
            "io/torchscore/spark/Rows.java: org.apache.spark.sql.catalyst.expressions.UnsafeRow",
            "io/torchscore/spark/Rows.java: org.apache.spark.sql.vectorized.*");
  }

  @Test
  void theTensorPackageMayNotImportEvenInternalRow() {
    String source = "package io.torchscore.tensor;\nimport org.apache.spark.sql.catalyst.InternalRow;\n";

    assertThat(violations("io/torchscore/tensor/Rows.java", source))
        .containsExactly("io/torchscore/tensor/Rows.java: org.apache.spark.sql.catalyst.InternalRow");
  }

  @Test
  void sparkinternalMayUseAnyOfItAndCommentsMayNameIt() {
    String internal =
        """
        package io.torchscore.sparkinternal;

        import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
        import org.apache.spark.unsafe.Platform;
        """;
    String commented =
        """
        package io.torchscore.tensor;

        /** Reads what {@code org.apache.spark.sql.catalyst.expressions.UnsafeArrayData} holds. */
        final class Reader {
          // org.apache.spark.unsafe.Platform would copy it; this does not.
        }
        """;

    assertThat(violations("io/torchscore/sparkinternal/Arrays.java", internal)).isEmpty();
    assertThat(violations("io/torchscore/tensor/Reader.java", commented)).isEmpty();
  }

  /** Returns {@code file: name} for each internal name the source uses where its package may not. */
  static List<String> violations(String file, String source) {
    String code = withoutComments(source);
    Matcher declared = PACKAGE.matcher(code);
    String pkg = declared.find() ? declared.group(1) : "";
    List<String> found = new ArrayList<>();
    if (pkg.equals(INTERNAL_PACKAGE)) {
      return found;
    }
    Matcher use = INTERNAL_NAME.matcher(code);
    while (use.find()) {
      String name = use.group().replaceAll("\\.+$", "");
      if (!(pkg.equals(SPARK_PACKAGE) && name.equals(INTERNAL_ROW))) {
        found.add(file + ": " + name);
      }
    }
    return found;
  }

  /** The source with its comments blanked, its strings kept (a class name there is a use by reflection). */
  private static String withoutComments(String source) {
    StringBuilder code = new StringBuilder(source.length());
    int i = 0;
    while (i < source.length()) {
      char c = source.charAt(i);
      if (source.startsWith("//", i)) {
        int end = source.indexOf('\n', i);
        i = end < 0 ? source.length() : end;
      } else if (source.startsWith("/*", i)) {
        int end = source.indexOf("*/", i + 2);
        i = end < 0 ? source.length() : end + 2;
        code.append(' ');
      } else if (source.startsWith("\"\"\"", i)) {
        int end = source.indexOf("\"\"\"", i + 3);
        end = end < 0 ? source.length() : end + 3;
        code.append(source, i, end);
        i = end;
      } else if (c == '"' || c == '\'') {
        int end = i + 1;
        while (end < source.length() && source.charAt(end) != c) {
          end += source.charAt(end) == '\\' ? 2 : 1;
        }
        end = Math.min(end + 1, source.length());
        code.append(source, i, end);
        i = end;
      } else {
        code.append(c);
        i++;
      }
    }
    return code.toString();
  }
}
