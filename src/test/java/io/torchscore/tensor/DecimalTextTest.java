package io.torchscore.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Text is a number only in the forms a CSV reader takes, not in every form Java's parser takes. */
class DecimalTextTest {

  static Stream<Arguments> numbers() {
    return Stream.of(
        Arguments.of("8", 8.0),
        Arguments.of("-0.5", -0.5),
        Arguments.of("+3", 3.0),
        Arguments.of(".5", 0.5),
        Arguments.of("5.", 5.0),
        Arguments.of("1.5e-3", 0.0015),
        Arguments.of("2E2", 200.0),
        Arguments.of("-7e+1", -70.0),
        Arguments.of(" 42 ", 42.0),
        Arguments.of("007", 7.0),
        Arguments.of("1e999", Double.POSITIVE_INFINITY),
        Arguments.of("-1e999", Double.NEGATIVE_INFINITY),
        Arguments.of("Inf", Double.POSITIVE_INFINITY),
        Arguments.of("-Inf", Double.NEGATIVE_INFINITY),
        Arguments.of("Infinity", Double.POSITIVE_INFINITY),
        Arguments.of("-Infinity", Double.NEGATIVE_INFINITY),
        Arguments.of("NaN", Double.NaN));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("numbers")
  void decimalAndScientificNotationAndSparksNaNAndInfSpellingsAreNumbers(String text, double expected) {
    assertThat(DecimalText.parse(text)).isEqualTo(Double.valueOf(expected));
  }

  @ParameterizedTest(name = "''{0}''")
  @ValueSource(
      strings = {"0x1p3", "0x10", "1f", "1d", "2.5F", "3D", "1_000", "1,5", "abc", "", " ", ".", "-", "e5", "1e",
        "1e+", "1.2.3", "--1", "nan", "inf", "+NaN", "1 2", "١"})
  void javaOnlyFormsAndOtherTextAreNotNumbers(String text) {
    assertThat(DecimalText.parse(text)).isNull();
  }
}
