package io.torchscore.spark;

import java.net.URI;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * Local files under the {@code sessionfs:} scheme, for tests: Hadoop finds it only through
 * {@code fs.sessionfs.impl}, which a test sets on the session alone, as a notebook sets
 * {@code fs.s3a.*} keys with {@code spark.conf.set}.
 */
public final class SessionFileSystem extends RawLocalFileSystem {

  @Override
  public URI getUri() {
    return URI.create("sessionfs:///");
  }

  @Override
  public String getScheme() {
    return "sessionfs";
  }
}
