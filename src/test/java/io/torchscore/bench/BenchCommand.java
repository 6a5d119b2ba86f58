package io.torchscore.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The benchmark's entry point; jobs/bench runs each subcommand in its own JVM so that settings
 * fixed once per JVM (DJL's thread counts, the model cache) never leak from one mode to another.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Side-by-side throughput benchmark of torchscore.",
    subcommands = {
      PrepareCommand.class,
      SparkModeCommand.class,
      RawLoopCommand.class,
      RaggedCommand.class,
      ReportCommand.class,
      SoakCommand.class,
      ModelSoakCommand.class,
      DecoderCommand.class,
      JpegCommand.class
    })
public final class BenchCommand {

  /**
   * Runs a subcommand and exits with its code.
   *
   * @param args the command-line arguments
   */
  public static void main(String[] args) {
    System.exit(new CommandLine(new BenchCommand()).execute(args));
  }
}
