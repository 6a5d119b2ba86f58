package io.torchscore.notebooks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A notebook in Databricks' source format, split into its cells: the first line
 * {@code // Databricks notebook source} (Scala) or {@code # Databricks notebook source} (Python),
 * cells separated by {@code // COMMAND ----------} with a blank line each side, and magic cells
 * ({@code %md}, {@code %sql}) written as {@code // MAGIC} on every line.
 */
record DatabricksNotebook(Path path, List<Cell> cells) {

  /** What a cell holds. */
  enum Kind {
    CODE,
    MARKDOWN,
    SQL
  }

  /** One cell: its kind and its text, without the MAGIC prefixes and the magic's name. */
  record Cell(Kind kind, String text) {}

  /**
   * Reads and splits a notebook, failing on anything Databricks would not import as cells.
   *
   * @param path a {@code .scala} or {@code .py} notebook
   * @return its cells, in order
   */
  static DatabricksNotebook read(Path path) throws IOException {
    String comment = path.toString().endsWith(".py") ? "#" : "//";
    List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
    String separator = comment + " COMMAND ----------";
    if (lines.isEmpty() || !lines.get(0).equals(comment + " Databricks notebook source")) {
      throw new IllegalArgumentException(path + ": the first line must be '" + comment + " Databricks notebook source'");
    }
    List<Cell> cells = new ArrayList<>();
    List<String> current = new ArrayList<>();
    for (int i = 1; i <= lines.size(); i++) {
      if (i == lines.size() || lines.get(i).equals(separator)) {
        if (i < lines.size()
            && (!lines.get(i - 1).isEmpty() || i + 1 >= lines.size() || !lines.get(i + 1).isEmpty())) {
          throw new IllegalArgumentException(path + ":" + (i + 1) + ": a cell separator needs a blank line each side");
        }
        cells.add(cell(path, comment, current));
        current = new ArrayList<>();
      } else {
        current.add(lines.get(i));
      }
    }
    return new DatabricksNotebook(path, List.copyOf(cells));
  }

  private static Cell cell(Path path, String comment, List<String> lines) {
    String text = String.join("\n", lines).strip();
    String magic = comment + " MAGIC";
    if (!text.startsWith(magic)) {
      return new Cell(Kind.CODE, text);
    }
    List<String> body = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (!line.startsWith(magic)) {
        throw new IllegalArgumentException(path + ": every line of a magic cell starts with '" + magic + "': " + line);
      }
      body.add(line.substring(magic.length()).stripLeading());
    }
    String first = body.get(0);
    Kind kind =
        switch (first.split("\\s+")[0]) {
          case "%md" -> Kind.MARKDOWN;
          case "%sql" -> Kind.SQL;
          default -> throw new IllegalArgumentException(path + ": unexpected magic " + first);
        };
    body.set(0, first.substring(first.split("\\s+")[0].length()).strip());
    return new Cell(kind, String.join("\n", body).strip());
  }

  /** Returns the cells of one kind, in order. */
  List<Cell> cells(Kind kind) {
    return cells.stream().filter(c -> c.kind() == kind).toList();
  }
}
