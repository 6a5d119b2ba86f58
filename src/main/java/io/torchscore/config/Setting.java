package io.torchscore.config;

import io.torchscore.TorchScoreException;
import java.io.Serializable;
import java.util.List;
import java.util.Locale;

/**
 * One setting, declared once: its Spark conf key, its type (through its parser), its default, the
 * values it allows and a line of documentation. The conf reader, the builders, the job's
 * {@code --help} and README's settings table all come from these declarations in
 * {@link ConfKeys}.
 *
 * <p>{@link #toString()} is the key, so a setting can be named in a message directly.
 *
 * @param <T> the setting's value type
 */
public final class Setting<T> implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Turns a conf value into a typed value, failing with a message that names the key. */
  @FunctionalInterface
  interface Parser<T> extends Serializable {
    T parse(String key, String value);
  }

  /** Whether a setting shapes scoring (library and job) or only the job's input and output. */
  public enum Scope {
    /** Read by {@link ScoreSettings}: the library and the job. */
    SCORING,
    /** Read by {@link JobSettings} only: where the job reads and writes. */
    JOB
  }

  private final String key;
  private final T defaultValue;
  private final String defaultText;
  private final Parser<T> parser;
  private final List<String> allowed;
  private final Scope scope;
  private final String doc;

  Setting(
      String key,
      T defaultValue,
      String defaultText,
      Parser<T> parser,
      List<String> allowed,
      Scope scope,
      String doc) {
    this.key = key;
    this.defaultValue = defaultValue;
    this.defaultText = defaultText;
    this.parser = parser;
    this.allowed = List.copyOf(allowed);
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
   * Parses a conf value.
   *
   * @param value the value as given (trimmed)
   * @return the typed value
   * @throws TorchScoreException naming the key and what it expects when the value is invalid
   */
  public T parse(String value) {
    if (!allowed.isEmpty()) {
      String lower = value.toLowerCase(Locale.ROOT);
      TorchScoreException.check(
          allowed.contains(lower),
          "Invalid %s=%s: expected one of %s",
          key,
          value,
          String.join(", ", allowed));
      return parser.parse(key, lower);
    }
    return parser.parse(key, value);
  }

  @Override
  public String toString() {
    return key;
  }
}
