package io.torchscore.docs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Markdown file read as GitHub renders it, as far as links need: its prose lines (fenced and
 * indented code left out), the links in them, and the anchors its headings get.
 */
final class MarkdownPage {

  private static final Pattern FENCE = Pattern.compile("^ {0,3}(```|~~~)");
  private static final Pattern HEADING = Pattern.compile("^ {0,3}(#{1,6})\\s+(.*?)\\s*#*\\s*$");
  private static final Pattern CODE_SPAN = Pattern.compile("(`+)(.+?)\\1");
  private static final Pattern LINK = Pattern.compile("!?\\[([^\\]]*)\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");

  /** A link as written, on its 1-based line. */
  record Link(int line, String target) {}

  /** A line of prose, on its 1-based line. */
  record Line(int number, String text) {}

  final Path path;
  final List<Line> prose = new ArrayList<>();
  final List<Line> fences = new ArrayList<>();
  private final Set<String> anchors = new LinkedHashSet<>();

  private MarkdownPage(Path path) {
    this.path = path;
  }

  static MarkdownPage read(Path path) throws IOException {
    MarkdownPage page = new MarkdownPage(path);
    List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
    String openFence = null;
    boolean previousBlankOrCode = true;
    Map<String, Integer> slugs = new HashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      Matcher fence = FENCE.matcher(line);
      if (openFence == null && fence.find()) {
        openFence = fence.group(1);
        page.fences.add(new Line(i + 1, line));
        continue;
      }
      if (openFence != null) {
        if (line.strip().startsWith(openFence) && line.strip().replace(openFence.substring(0, 1), "").isEmpty()) {
          openFence = null;
          page.fences.add(new Line(i + 1, line));
        }
        continue;
      }
      boolean indentedCode = previousBlankOrCode && (line.startsWith("    ") || line.startsWith("\t"));
      previousBlankOrCode = line.isBlank() || indentedCode;
      if (indentedCode) {
        continue;
      }
      page.prose.add(new Line(i + 1, line));
      Matcher heading = HEADING.matcher(line);
      if (heading.matches()) {
        String slug = slug(heading.group(2));
        int seen = slugs.merge(slug, 1, Integer::sum) - 1;
        page.anchors.add(seen == 0 ? slug : slug + "-" + seen);
      }
    }
    if (openFence != null) {
      page.fences.add(new Line(lines.size(), "(unclosed " + openFence + ")"));
    }
    return page;
  }

  /** The links of the prose, code spans left out. */
  List<Link> links() {
    List<Link> links = new ArrayList<>();
    for (Line line : prose) {
      Matcher link = LINK.matcher(CODE_SPAN.matcher(line.text()).replaceAll(""));
      while (link.find()) {
        links.add(new Link(line.number(), link.group(2)));
      }
    }
    return links;
  }

  Set<String> anchors() {
    return anchors;
  }

  /**
   * GitHub's anchor for a heading: the rendered text (code spans' text kept, link targets and
   * emphasis marks dropped), lower case, punctuation other than '-' and '_' removed, spaces as '-'.
   */
  static String slug(String heading) {
    String text = CODE_SPAN.matcher(heading).replaceAll("$2");
    text = LINK.matcher(text).replaceAll("$1");
    text = text.replace("*", "");
    return text.toLowerCase(Locale.ROOT)
        .replaceAll("[^\\p{L}\\p{M}\\p{N}\\p{Pc} -]", "")
        .replace(' ', '-');
  }
}
