package io.torchscore.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * README.md and the pages under docs/ render as written on GitHub: every relative link reaches a
 * file, every {@code #anchor} a heading (GitHub's slug rules), code fences close, and tables have
 * a blank line above, their separator row and the same number of cells in every row. Links to the web are not
 * followed: the build has no network.
 */
class MarkdownDocsTest {

  static Stream<Path> pages() throws IOException {
    try (Stream<Path> docs = Files.list(Path.of("docs"))) {
      List<Path> pages = new ArrayList<>(List.of(Path.of("README.md")));
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
      return pages.stream();
    }
  }

  @ParameterizedTest
  @MethodSource("pages")
  void everyRelativeLinkAndAnchorResolves(Path file) throws IOException {
    MarkdownPage page = MarkdownPage.read(file);
    List<String> broken = new ArrayList<>();
    for (MarkdownPage.Link link : page.links()) {
      String target = link.target();
      if (target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
        continue;
      }
      int hash = target.indexOf('#');
      String pathPart = hash < 0 ? target : target.substring(0, hash);
      String anchor = hash < 0 ? null : target.substring(hash + 1);
      Path resolved = pathPart.isEmpty() ? file : file.toAbsolutePath().getParent().resolve(pathPart).normalize();
      if (!Files.exists(resolved)) {
        broken.add(file + ":" + link.line() + ": " + target + " (no such file)");
        continue;
      }
      if (anchor != null) {
        if (!resolved.toString().endsWith(".md")) {
          broken.add(file + ":" + link.line() + ": " + target + " (an anchor into a file that is not Markdown)");
        } else if (!MarkdownPage.read(resolved).anchors().contains(anchor)) {
          broken.add(file + ":" + link.line() + ": " + target + " (no heading with that anchor)");
        }
      }
    }
    assertThat(broken).as("broken links in %s", file).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("pages")
  void codeFencesCloseAndTablesHaveOneShape(Path file) throws IOException {
    MarkdownPage page = MarkdownPage.read(file);
    assertThat(page.fences.size() % 2).as("unclosed code fence in %s: %s", file, page.fences).isZero();
    List<String> problems = new ArrayList<>();
    List<MarkdownPage.Line> prose = page.prose;
    for (int i = 0; i < prose.size(); i++) {
      MarkdownPage.Line header = prose.get(i);
      MarkdownPage.Line above = i == 0 ? null : prose.get(i - 1);
      if (!isRow(header) || (above != null && follows(above, header) && isRow(above))) {
        continue;
      }
      if (header.number() > 1 && (above == null || !follows(above, header) || !above.text().isBlank())) {
        problems.add(file + ":" + header.number() + ": a table needs a blank line above it");
      }
      if (i + 1 >= prose.size() || !prose.get(i + 1).text().matches("^\\|( *:?-{3,}:? *\\|)+\\s*$")) {
        problems.add(file + ":" + header.number() + ": a table without a |---| row under its header");
        continue;
      }
      int cells = cells(header.text());
      for (int j = i + 1; j < prose.size() && isRow(prose.get(j)) && follows(prose.get(j - 1), prose.get(j)); j++) {
        if (cells(prose.get(j).text()) != cells) {
          problems.add(file + ":" + prose.get(j).number() + ": " + cells(prose.get(j).text()) + " cells, the header has " + cells);
        }
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void theReadmeIsAFrontDoor() throws IOException {
    assertThat(Files.readAllLines(Path.of("README.md"))).as("README.md lines").hasSizeLessThanOrEqualTo(300);
  }

  @Test
  void slugsFollowGitHub() {
    assertThat(MarkdownPage.slug("Failure behaviour")).isEqualTo("failure-behaviour");
    assertThat(MarkdownPage.slug("JPEG files (`resnet18_jpeg`)")).isEqualTo("jpeg-files-resnet18_jpeg");
    assertThat(MarkdownPage.slug("Spark 3.5, 4.0 & Java 17")).isEqualTo("spark-35-40--java-17");
    assertThat(MarkdownPage.slug("[Deploy](docs/deploy.md): YARN")).isEqualTo("deploy-yarn");
  }

  private static boolean follows(MarkdownPage.Line above, MarkdownPage.Line line) {
    return above.number() == line.number() - 1;
  }

  private static boolean isRow(MarkdownPage.Line line) {
    return line.text().startsWith("|");
  }

  /** Cells of a table row: '|' separates them unless escaped, inside code spans too (GFM). */
  private static int cells(String row) {
    int pipes = 0;
    for (int i = 0; i < row.length(); i++) {
      if (row.charAt(i) == '\\') {
        i++;
      } else if (row.charAt(i) == '|') {
        pipes++;
      }
    }
    return pipes - 1;
  }
}
