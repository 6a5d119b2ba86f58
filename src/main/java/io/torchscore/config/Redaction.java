package io.torchscore.config;

import java.util.regex.Pattern;

/** Removes secrets from text that goes to logs or reports. */
public final class Redaction {

  // user:password@ in a URI (s3a://KEY:SECRET@bucket/..., jdbc:..://user:pw@host).
  private static final Pattern USER_INFO = Pattern.compile("(?<=://)[^/@\\s]+@");

  private static final Pattern SECRET_KEY =
      Pattern.compile("(?i).*(secret|password|token|credential|access\\.key|session\\.key).*");

  private Redaction() {}

  /**
   * Returns the URI with any user info (credentials) replaced by {@code ***@}.
   *
   * @param uri a path or URI, may be null
   * @return the URI safe to log
   */
  public static String uri(String uri) {
    return uri == null ? null : USER_INFO.matcher(uri).replaceAll("***@");
  }

  /**
   * Returns the value safe to log for a conf key: hidden when the key names a secret.
   *
   * @param key the conf key
   * @param value its value
   * @return {@code ***} for secrets, else the value with URI credentials removed
   */
  public static String confValue(String key, String value) {
    return SECRET_KEY.matcher(key).matches() ? "***" : uri(value);
  }
}
