package io.torchscore.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/settings.md is what {@link SettingsDoc} renders from the declarations, row for row. */
class SettingsDocTest {

  @Test
  void theCommittedSettingsPageIsTheOneTheDeclarationsRender() throws Exception {
    String committed = Files.readString(Path.of(SettingsDoc.PATH), StandardCharsets.UTF_8);
    if (!committed.equals(SettingsDoc.render())) {
      throw new AssertionError(
          SettingsDoc.PATH + " differs from the settings ConfKeys declares; regenerate it: " + SettingsDoc.COMMAND);
    }
  }

  @Test
  void everySettingHasARowWithItsDefaultAndItsAllowedValues() {
    String page = SettingsDoc.render();
    for (Setting<?> setting : ConfKeys.all()) {
      String row =
          page.lines()
              .filter(line -> line.startsWith("| `" + setting.key() + "` |"))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no row for " + setting.key()));
      String plain = row.replace("`", "").replace("\\", "").replace("&lt;", "<").replace("&gt;", ">");
      assertThat(plain).as(setting.key()).contains(" " + setting.defaultText() + " |");
      setting.allowed().forEach(value -> assertThat(plain).as(setting.key()).contains(value));
      assertThat(row.split("(?<!\\\\)\\|", -1)).as("cells of %s", setting.key()).hasSize(6);
    }
  }
}
