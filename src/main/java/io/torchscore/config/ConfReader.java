package io.torchscore.config;

import io.torchscore.TorchScoreException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads typed settings from a flat key-value view of a Spark conf, failing with a message that
 * names the key and what it expects.
 */
final class ConfReader {

  private final Map<String, String> conf;

  ConfReader(Map<String, String> conf) {
    this.conf = conf;
  }

  String required(String key, String expected) {
    String value = optional(key);
    TorchScoreException.check(value != null, "Missing setting %s: expected %s", key, expected);
    return value;
  }

  String optional(String key) {
    String value = conf.get(key);
    return value == null || value.isBlank() ? null : value.trim();
  }

  String string(String key, String defaultValue) {
    String value = optional(key);
    return value == null ? defaultValue : value;
  }

  int positiveInt(String key, int defaultValue) {
    int value = integer(key, defaultValue);
    TorchScoreException.check(
        value > 0, "Invalid %s=%s: expected a whole number > 0", key, conf.get(key));
    return value;
  }

  int integer(String key, int defaultValue) {
    String value = optional(key);
    if (value == null) {
      return defaultValue;
    }
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new TorchScoreException("Invalid %s=%s: expected a whole number", key, value);
    }
  }

  String oneOf(String key, String defaultValue, String... allowed) {
    String value = string(key, defaultValue).toLowerCase(java.util.Locale.ROOT);
    TorchScoreException.check(
        Arrays.asList(allowed).contains(value),
        "Invalid %s=%s: expected one of %s",
        key,
        value,
        String.join(", ", allowed));
    return value;
  }

  List<String> list(String key, String expected) {
    List<String> items = new ArrayList<>();
    for (String item : required(key, expected).split(",")) {
      TorchScoreException.check(
          !item.isBlank(), "Invalid %s=%s: expected %s", key, conf.get(key), expected);
      items.add(item.trim());
    }
    return items;
  }

  float[] floats(String key, String defaultValue, int count) {
    String value = string(key, defaultValue);
    String[] parts = value.split(",");
    TorchScoreException.check(
        parts.length == count, "Invalid %s=%s: expected %s comma-separated numbers", key, value, count);
    float[] numbers = new float[count];
    for (int i = 0; i < count; i++) {
      try {
        numbers[i] = Float.parseFloat(parts[i].trim());
      } catch (NumberFormatException e) {
        throw new TorchScoreException(
            "Invalid %s=%s: expected %s comma-separated numbers", key, value, count);
      }
    }
    return numbers;
  }

  /** Returns the entries under {@code prefix} with the prefix removed, sorted by name. */
  Map<String, String> withPrefix(String prefix) {
    Map<String, String> options = new TreeMap<>();
    conf.forEach(
        (key, value) -> {
          if (key.startsWith(prefix) && key.length() > prefix.length()) {
            options.put(key.substring(prefix.length()), value);
          }
        });
    return options;
  }
}
