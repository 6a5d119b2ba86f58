package io.torchscore.notebooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.torchscore.notebooks.DatabricksNotebook.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Every notebook under notebooks/ is in Databricks' source format and explains itself first. */
class NotebookFormatTest {

  static Stream<Path> notebooks() throws IOException {
    return Files.list(Path.of("notebooks")).sorted();
  }

  @ParameterizedTest
  @MethodSource("notebooks")
  void importsAsCellsThatStartWithAnExplanation(Path path) throws IOException {
    DatabricksNotebook notebook = DatabricksNotebook.read(path);

    assertThat(notebook.cells().get(0).kind()).isEqualTo(Kind.MARKDOWN);
    assertThat(notebook.cells(Kind.CODE)).hasSizeGreaterThanOrEqualTo(4);
    assertThat(notebook.cells(Kind.SQL)).isNotEmpty();
    assertThat(notebook.cells(Kind.CODE)).anyMatch(cell -> cell.text().matches("(//|#) Parameters\\n[\\s\\S]*"));
  }

  @Test
  void rejectsASeparatorWithoutBlankLines() throws IOException {
    Path path = Files.createTempFile("notebook", ".scala");
    Files.writeString(path, "// Databricks notebook source\nval a = 1\n// COMMAND ----------\nval b = 2\n");

    assertThatThrownBy(() -> DatabricksNotebook.read(path))
        .hasMessageContaining(":3: a cell separator needs a blank line each side");
  }
}
