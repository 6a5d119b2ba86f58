package io.torchscore.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A raw CSV through the job: numbers are read as a CSV reader reads them (no {@code 0x1p3}, no
 * {@code 1f}), and a line with more or fewer fields than the header is a bad row
 * ({@code malformed_row}) instead of being scored on shifted values.
 */
class CsvInputTest {

  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private static Path fixture(String name) {
    return Paths.get("src/test/resources/fixtures", name).toAbsolutePath();
  }

  /** The first 20 rows of the columns model's fixture as CSV lines: id,a,b,c,d,expected. */
  private static List<String> csvLines() throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<String> lines = new ArrayList<>();
    lines.add("id,a,b,c,d,expected");
    for (String line : Files.readAllLines(fixture("columns_model.jsonl")).subList(0, 20)) {
      JsonNode row = json.readTree(line);
      lines.add(String.join(",", row.get("id").asText(), row.get("a").asText(), row.get("b").asText(),
          row.get("c").asText(), row.get("d").asText(), row.get("expected").asText()));
    }
    return lines;
  }

  /** Replaces field {@code field} of data row {@code id} (line id + 1). */
  private static void setField(List<String> lines, int id, int field, String value) {
    String[] fields = lines.get(id + 1).split(",", -1);
    fields[field] = value;
    lines.set(id + 1, String.join(",", fields));
  }

  @Test
  void javaOnlyNumbersAndLinesWithTheWrongFieldCountAreBadRowsAndTheRestMatchPyTorch() throws IOException {
    List<String> lines = csvLines();
    setField(lines, 3, 3, "0x1p3"); // c: Java reads 8.0
    setField(lines, 5, 1, "1f"); // a: Java reads 1.0
    setField(lines, 6, 4, "2d"); // d: Java reads 2.0
    setField(lines, 13, 4, "NaN"); // scored, counted: a NaN prediction
    setField(lines, 14, 2, "1e999"); // scored, counted: infinite in float32, an infinite prediction
    // Row 7 with a value inserted after a: b..expected shift one field right.
    List<String> seven = new ArrayList<>(Arrays.asList(lines.get(8).split(",")));
    seven.add(2, "4");
    lines.set(8, String.join(",", seven));
    // Row 11 without its last field.
    lines.set(12, lines.get(12).substring(0, lines.get(12).lastIndexOf(',')));
    Path input = dir.resolve("input.csv");
    Files.write(input, lines);
    Path report = dir.resolve("report.json");

    int code =
        new CommandLine(new ScoreCommand())
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true))
            .execute(
                "--conf", "spark.master=local[2]",
                "--conf", "spark.ui.enabled=false",
                "--conf", "spark.torchscore.model.path=" + fixture("columns_model.pt"),
                "--conf", "spark.torchscore.input.path=" + input,
                "--conf", "spark.torchscore.input.format=csv",
                "--conf", "spark.torchscore.input.option.header=true",
                "--conf", "spark.torchscore.features=a,b,c,d",
                "--conf", "spark.torchscore.on.error=skip",
                "--conf", "spark.torchscore.output.path=" + dir.resolve("scored"),
                "--conf", "spark.torchscore.rejects.path=" + dir.resolve("rejects"),
                "--conf", "spark.torchscore.rejects.format=json",
                "--conf", "spark.torchscore.report.path=" + report);

    assertThat(code).as(err.toString()).isZero();
    JsonNode json = new ObjectMapper().readTree(report.toFile());
    assertThat(json.get("rows_scored").asLong()).isEqualTo(15);
    assertThat(json.get("rows_skipped").asLong()).isEqualTo(5);
    assertThat(json.get("bad_rows_by_reason").get("unparseable").asLong()).isEqualTo(3);
    assertThat(json.get("bad_rows_by_reason").get("malformed_row").asLong()).isEqualTo(2);
    assertThat(json.get("nan_input_values").asLong()).isEqualTo(1);
    assertThat(json.get("infinite_input_values").asLong()).isEqualTo(1);
    assertThat(json.get("nan_output_values").asLong()).isEqualTo(1);
    assertThat(out.toString()).contains("NaN/Inf: 1 NaN and 1 infinite feature values, 1 NaN predictions");
    SparkSession spark = SparkSession.builder().master("local[1]").config("spark.ui.enabled", "false").getOrCreate();
    try {
      List<Row> scored = spark.read().parquet(dir.resolve("scored").toString()).collectAsList();
      assertThat(scored).extracting(r -> Integer.parseInt(r.getAs("id")))
          .containsExactlyInAnyOrder(0, 1, 2, 4, 8, 9, 10, 12, 13, 14, 15, 16, 17, 18, 19);
      // The output has the input's columns and the prediction, not the column the job added.
      assertThat(scored.get(0).schema().fieldNames()).containsExactly("id", "a", "b", "c", "d", "expected", "prediction");
      for (Row row : scored) {
        float prediction = row.<Float>getAs("prediction");
        switch (Integer.parseInt(row.getAs("id"))) {
          case 13 -> assertThat(prediction).isNaN();
          case 14 -> assertThat(prediction).isInfinite();
          default -> assertThat(prediction).isCloseTo(Float.parseFloat(row.getAs("expected")), within(1e-4f));
        }
      }
      List<Row> rejects = spark.read().json(dir.resolve("rejects").toString()).collectAsList();
      assertThat(rejects).extracting(r -> r.<String>getAs("_error"))
          .containsExactlyInAnyOrder(
              "unparseable: column 'c' holds '0x1p3', not a number (e.g. 8, -0.5, 1.5e-3, NaN, Inf or -Inf)",
              "unparseable: column 'a' holds '1f', not a number (e.g. 8, -0.5, 1.5e-3, NaN, Inf or -Inf)",
              "unparseable: column 'd' holds '2d', not a number (e.g. 8, -0.5, 1.5e-3, NaN, Inf or -Inf)",
              "malformed_row: column '_corrupt_record' holds '" + lines.get(8) + "', a record the source could"
                  + " not split into the schema's columns (a CSV line with more or fewer fields than the header:"
                  + " quote fields that hold the delimiter)",
              "malformed_row: column '_corrupt_record' holds '" + lines.get(12) + "', a record the source could"
                  + " not split into the schema's columns (a CSV line with more or fewer fields than the header:"
                  + " quote fields that hold the delimiter)");
    } finally {
      spark.stop();
    }
  }
}
