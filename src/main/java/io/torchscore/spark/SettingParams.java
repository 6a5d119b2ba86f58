package io.torchscore.spark;

import io.torchscore.config.Setting;
import java.io.Serializable;
import java.util.function.Consumer;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.Identifiable;
import scala.Function1;

/**
 * Spark ML {@link Param}s made from settings, each checked by its {@link Setting} when set (a
 * {@code ParamPair} validates on creation), so a bad value fails at {@code set} with the message
 * the conf gives. The validator is a {@code scala.Function1} written here, never in a signature
 * outside this class. A whole-number setting is an {@link IntParam}, a true/false one a
 * {@link BooleanParam}; the others (names, lists, shapes, choices) keep their conf text in a
 * {@code Param<String>}.
 */
final class SettingParams {

  private SettingParams() {}

  /**
   * Returns the param of a setting, named as the setting without its prefix.
   *
   * @param parent the stage that owns it
   * @param setting the setting
   * @return an {@link IntParam}, a {@link BooleanParam} or a {@code Param<String>}
   */
  @SuppressWarnings("unchecked")
  static Param<?> of(Identifiable parent, Setting<?> setting) {
    String doc = setting.doc() + " (default " + setting.defaultText() + ")";
    if (setting.type() == Integer.class) {
      Setting<Integer> whole = (Setting<Integer>) setting;
      return new IntParam(parent, setting.name(), doc, new Validator<>(value -> whole.check((Integer) value)));
    }
    if (setting.type() == Boolean.class) {
      // Spark's boolean param takes no validator, and a true/false setting needs none.
      return new BooleanParam(parent, setting.name(), doc);
    }
    return new Param<String>(parent, setting.name(), doc, new Validator<String>(text -> setting.parse(text.trim())));
  }

  /**
   * Returns the value a param of this setting holds for a conf text.
   *
   * @param setting the setting
   * @param text its conf text
   * @return the typed value for a typed param, else the text
   * @throws io.torchscore.TorchScoreException naming the key when the text is invalid
   */
  static Object value(Setting<?> setting, String text) {
    return setting.type() == Integer.class || setting.type() == Boolean.class ? setting.parse(text.trim()) : text;
  }

  /** Spark's validator function: throws the setting's own message instead of answering false. */
  private static final class Validator<T> implements Function1<T, Object>, Serializable {

    private static final long serialVersionUID = 1L;

    private final Check<T> check;

    Validator(Check<T> check) {
      this.check = check;
    }

    @Override
    public Object apply(T value) {
      check.accept(value);
      return Boolean.TRUE;
    }
  }

  /** A check on a param's value, kept with the params when a stage is serialized. */
  @FunctionalInterface
  private interface Check<T> extends Consumer<T>, Serializable {}
}
