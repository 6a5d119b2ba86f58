package io.torchscore.model;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.torchscore.TorchScoreException;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model on a file system whose module is missing (s3a:// without hadoop-aws) fails on the driver
 * with one line naming the missing class, not a ClassNotFoundException trace.
 */
class MissingFileSystemTest {

  @TempDir Path cache;

  @Test
  void namesTheMissingClassAndTheModuleToAdd() {
    Configuration conf = new Configuration();
    // What core-default.xml does for s3a: a scheme mapped to a class that may be absent.
    conf.set("fs.fakes3.impl", "org.example.fs.FakeS3FileSystem");

    assertThatThrownBy(
            () ->
                ModelFetcher.locate(
                    "fakes3://AKIAFAKEKEY:fakepw123@bucket/models/m.pt",
                    conf,
                    1,
                    cache.toString(),
                    null))
        .isInstanceOf(TorchScoreException.class)
        .hasMessage(
            "Cannot load model: fakes3://***@bucket/models/m.pt needs a Hadoop file system that is"
                + " not on the classpath (Class org.example.fs.FakeS3FileSystem not found); add its"
                + " module, for s3a:// org.apache.hadoop:hadoop-aws of Spark's Hadoop version"
                + " (spark-submit --packages)");
  }
}
