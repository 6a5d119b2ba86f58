package io.torchscore.config;

import io.torchscore.TorchScoreException;
import java.io.Serializable;
import java.util.List;
import java.util.Locale;

/**
 * One setting, declared once: its Spark conf key, its type and parser, its default, the values it
 * allows and a line of documentation. The conf reader, the builders, the Spark ML params, the
 * job's {@code --help} and the settings reference all come from these declarations in
 * {@link ConfKeys}, and every one of them validates through {@link #check}, so a bad value gets
 * the same one-line message wherever it is given.
 *
 * <p>{@link #toString()} is the key, so a setting can be named in a message directly.
 *
 * @param <T> the setting's value type
 */
public final class Setting<T> implements Serializable {

  private static final long serialVersionUID = 1L;

  /**
   * Turns a conf value into a typed value, failing with a message that names the key; a
   * {@link NumberFormatException} is reported as the setting's {@link #expected()}.
   */
  @FunctionalInterface
  interface Parser<T> extends Serializable {
    T parse(String key, String value);
  }

  /** What a typed value must meet, beyond having the setting's type. */
  @FunctionalInterface
  interface Condition<T> extends Serializable {
    boolean holds(T value);
  }

  /** Whether a setting shapes scoring (library and job) or only the job's input and output. */
  public enum Scope {
    /** Read by {@link ScoreSettings}: the library and the job. */
    SCORING,
    /** Read by {@link JobSettings} only: where the job reads and writes. */
    JOB
  }

  private final String key;
  private final Class<?> type;
  private final T defaultValue;
  private final String defaultText;
  private final Parser<T> parser;
  private final Condition<T> condition;
  private final String expected;
  private final List<String> allowed;
  private final Scope scope;
  private final String doc;

  /**
   * Declares a setting; an enumerated one ({@code allowed} not empty) is a string whose condition
   * is to be one of them.
   */
  Setting(
      String key,
      Class<?> type,
      T defaultValue,
      String defaultText,
      Parser<T> parser,
      Condition<T> condition,
      String expected,
      List<String> allowed,
      Scope scope,
      String doc) {
    this.key = key;
    this.type = type;
    this.defaultValue = defaultValue;
    this.defaultText = defaultText;
    this.parser = parser;
    this.allowed = List.copyOf(allowed);
    this.condition = allowed.isEmpty() ? condition : this.allowed::contains;
    this.expected = allowed.isEmpty() ? expected : "one of " + String.join(", ", allowed);
    this.scope = scope;
    this.doc = doc;
  }

  /**
   * Returns the Spark conf key, e.g. {@code spark.torchscore.batch.size}.
   *
   * @return the key
   */
  public String key() {
    return key;
  }

  /**
   * Returns the key without the {@code spark.torchscore.} prefix, as Spark ML params are named.
   *
   * @return the short name, e.g. {@code batch.size}
   */
  public String name() {
    return key.substring(ConfKeys.PREFIX.length());
  }

  /**
   * Returns the type of the setting's value: {@code Integer}, {@code Boolean}, {@code String},
   * {@code List} (of names, of inputs' columns, of shapes), ...
   *
   * @return the value's class
   */
  public Class<?> type() {
    return type;
  }

  /**
   * Returns the value used when the setting is not given; null when there is none.
   *
   * @return the default
   */
  public T defaultValue() {
    return defaultValue;
  }

  /**
   * Returns the default as users read it in docs and {@code --help}.
   *
   * @return the default's description
   */
  public String defaultText() {
    return defaultText;
  }

  /**
   * Returns the values an enumerated setting allows, lower case; empty for free-form settings.
   *
   * @return the allowed values
   */
  public List<String> allowed() {
    return allowed;
  }

  /**
   * Returns what a valid value is, as error messages say it ({@code a whole number > 0},
   * {@code one of auto, cpu, gpu}); null when every value of the setting's type is valid.
   *
   * @return the expectation, or null
   */
  public String expected() {
    return expected;
  }

  /**
   * Returns whether the library reads this setting or only the job.
   *
   * @return the scope
   */
  public Scope scope() {
    return scope;
  }

  /**
   * Returns a one-line description.
   *
   * @return the documentation
   */
  public String doc() {
    return doc;
  }

  /**
   * Parses a conf value and {@linkplain #check checks} it.
   *
   * @param value the value as given (trimmed)
   * @return the typed value
   * @throws TorchScoreException naming the key and what it expects when the value is invalid
   */
  public T parse(String value) {
    T parsed;
    try {
      parsed = parser.parse(key, value);
    } catch (NumberFormatException e) {
      throw invalid(value);
    }
    return checked(parsed, value);
  }

  /**
   * Checks a typed value, as every way of setting it does (conf, builders, Spark ML params).
   *
   * @param value the value; null (not set) passes
   * @return the value, lower case for an enumerated setting
   * @throws TorchScoreException {@code Invalid <key>=<value>: expected <expected()>} when the
   *     value does not meet the setting's condition
   */
  public T check(T value) {
    return checked(value, value);
  }

  /** Checks a value, naming it in the message as it was given: {@code 2}, not {@code 2.0}. */
  @SuppressWarnings("unchecked")
  private T checked(T value, Object given) {
    if (value == null || condition == null) {
      return value;
    }
    T normal = allowed.isEmpty() ? value : (T) ((String) value).toLowerCase(Locale.ROOT);
    if (!condition.holds(normal)) {
      throw invalid(given);
    }
    return normal;
  }

  private TorchScoreException invalid(Object value) {
    return new TorchScoreException(
        "Invalid %s=%s: expected %s", key, value, expected == null ? "a " + type.getSimpleName() : expected);
  }

  @Override
  public String toString() {
    return key;
  }
}
