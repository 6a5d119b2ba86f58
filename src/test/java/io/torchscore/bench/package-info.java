/**
 * The side-by-side benchmark (jobs/bench) and the native-memory soak (jobs/soak): command-line
 * programs, run from the test classpath; nothing here runs during {@code mvn verify}.
 */
package io.torchscore.bench;
