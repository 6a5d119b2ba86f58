package io.torchscore.python;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** The cluster jar carries the PySpark module at its root, where Python imports it from. */
class PythonModuleIT {

  private static final String JAR = System.getProperty("torchscore.clusterJar");

  @Test
  void holdsTheModuleAtItsRoot() throws Exception {
    try (JarFile jar = new JarFile(JAR)) {
      byte[] packed = jar.getInputStream(jar.getEntry("torchscore.py")).readAllBytes();
      assertThat(packed).isEqualTo(Files.readAllBytes(Path.of(JvmCallCheck.MODULE)));
    }
  }

  @Test
  void pythonImportsTheModuleFromTheJar() throws Exception {
    List<String> lines = PythonModuleTest.runWithFakeGateway(JAR);

    assertThat(lines.get(0)).isEqualTo("module " + JAR + "/torchscore.py");
    assertThat(lines.subList(1, lines.size())).isEqualTo(PythonModuleTest.EXPECTED_CALLS);
  }
}
