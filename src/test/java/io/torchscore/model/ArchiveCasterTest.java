package io.torchscore.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fp16 cast of a TorchScript file equals PyTorch's own {@code module.half()}, bit for bit. */
class ArchiveCasterTest {

  @TempDir Path dir;

  @Test
  void theCastParametersAreExactlyPyTorchsHalf() throws Exception {
    Path source = Paths.get("src/test/resources/fixtures/vector_mlp.pt");
    Path cast = dir.resolve("vector_mlp-fp16.pt");

    ArchiveCaster.toHalf(source, cast);

    Map<String, short[]> ours = halfParameters(cast);
    Map<String, short[]> pytorchs = halfParameters(Paths.get("src/test/resources/fixtures/vector_mlp_half.pt"));
    assertThat(ours.keySet()).containsExactlyElementsOf(pytorchs.keySet()).hasSize(4);
    pytorchs.forEach((name, bits) -> assertThat(ours.get(name)).as(name).containsExactly(bits));
  }

  @Test
  void roundsToNearestEvenLikeTensorHalf() {
    // Hand-computed binary16 encodings.
    assertThat(ArchiveCaster.toHalf(1.0f)).isEqualTo((short) 0x3c00);
    assertThat(ArchiveCaster.toHalf(-2.0f)).isEqualTo((short) 0xc000);
    assertThat(ArchiveCaster.toHalf(65504f)).isEqualTo((short) 0x7bff);
    assertThat(ArchiveCaster.toHalf(1e6f)).isEqualTo((short) 0x7c00);
    assertThat(ArchiveCaster.toHalf(5.9604645e-8f)).isEqualTo((short) 0x0001);
    // 1 + 2^-11 lies halfway between 1 and 1 + 2^-10: ties go to the even mantissa, 1.
    assertThat(ArchiveCaster.toHalf(1.00048828125f)).isEqualTo((short) 0x3c00);
    assertThat(ArchiveCaster.toHalf(1.00146484375f)).isEqualTo((short) 0x3c02);
    assertThat(ArchiveCaster.toHalf(Float.NaN) & 0x7c00).isEqualTo(0x7c00);
  }

  private static Map<String, short[]> halfParameters(Path file) throws Exception {
    Map<String, short[]> parameters = new LinkedHashMap<>();
    try (Model model = Model.newInstance("cast-check", Device.cpu(), "PyTorch")) {
      model.load(file);
      for (Pair<String, Parameter> parameter : model.getBlock().getParameters()) {
        NDArray array = parameter.getValue().getArray();
        assertThat(array.getDataType()).isEqualTo(DataType.FLOAT16);
        java.nio.ShortBuffer bits = array.toByteBuffer().asShortBuffer();
        short[] values = new short[bits.remaining()];
        bits.get(values);
        parameters.put(parameter.getKey(), values);
      }
    }
    return parameters;
  }
}
