/**
 * Settings: the {@code spark.torchscore.*} keys, their defaults, and the immutable values read from
 * them, validated once on the driver.
 */
package io.torchscore.config;
