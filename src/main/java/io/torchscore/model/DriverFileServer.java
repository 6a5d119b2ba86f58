package io.torchscore.model;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.file.Path;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkEnv;

/**
 * Serves a file on the driver's disk to the application's executors from the driver's RPC file
 * server, the one behind {@code SparkContext.addFile}, and reads it on an executor: the model
 * package's one use of Spark's internal API ({@code SparkEnv.rpcEnv}, the same on Spark 3.5 and
 * 4.x), pinned by DriverLocalModelTest and DriverLocalModelStreamTest.
 *
 * <p>Not {@code ADD FILE}: on Spark 4 a file added in a session reaches only the tasks of jobs run
 * by that same session (spark.sql.artifact.isolation.enabled), and a streaming query runs its
 * micro-batches in a clone of the session it was started from, made when the query starts, which
 * does not inherit the file: its tasks would never fetch the model. The file server answers any of
 * the application's executors, whichever session runs the job.
 */
final class DriverFileServer {

  private DriverFileServer() {}

  /**
   * Serves a file from the driver, under its file name.
   *
   * @param sc the driver's context
   * @param file the file; its name must be the only one of that name served
   * @return the {@code spark://} URI executors read it from
   */
  static String serve(SparkContext sc, Path file) {
    return sc.env().rpcEnv().fileServer().addFile(file.toFile());
  }

  /**
   * Opens a file the driver serves, from an executor.
   *
   * @param uri the URI {@link #serve} returned
   * @return the file's bytes, whose failures to read are all {@link IOException}s
   * @throws IOException when the driver cannot be reached
   */
  static InputStream open(String uri) throws IOException {
    try {
      return new Failures(Channels.newInputStream(SparkEnv.get().rpcEnv().openChannel(uri)));
    } catch (RuntimeException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  /** Spark reports a failed download as a RuntimeException: these are I/O failures, to retry. */
  private static final class Failures extends FilterInputStream {

    Failures(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (RuntimeException e) {
        throw new IOException(e.getMessage(), e);
      }
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      try {
        return super.read(buffer, offset, length);
      } catch (RuntimeException e) {
        throw new IOException(e.getMessage(), e);
      }
    }
  }
}
