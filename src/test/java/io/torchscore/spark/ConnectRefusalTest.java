package io.torchscore.spark;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.torchscore.TorchScoreException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Paths;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * A Spark Connect session (Databricks serverless and standard access mode) is refused with one line
 * asking for classic compute: a real Connect client session, talking to a Connect server started in
 * this JVM on the loopback address. Spark 4.0 only: the Connect client is a Scala 2.13 test
 * dependency, absent under the spark-3.5 profile.
 */
class ConnectRefusalTest {

  private static final String CONNECT_SESSION = "org.apache.spark.sql.connect.SparkSession";

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Test
  void scoringOnASparkConnectSessionFailsWithOneLineAskingForClassicCompute() throws Exception {
    assumeTrue(
        getClass().getClassLoader().getResource(CONNECT_SESSION.replace('.', '/') + ".class") != null,
        "the Spark Connect client is a test dependency on Spark 4.0 only");
    int port = freePort();
    SparkSession server =
        SparkSession.builder()
            .master("local[1]")
            .appName("torchscore-connect-server")
            .config("spark.ui.enabled", "false")
            .config("spark.plugins", "org.apache.spark.sql.connect.SparkConnectPlugin")
            .config("spark.connect.grpc.binding.address", "127.0.0.1")
            .config("spark.connect.grpc.binding.port", Integer.toString(port))
            .getOrCreate();
    SparkSession client = null;
    try {
      // Reflection keeps this class loadable on Spark 3.5, which has no Connect client.
      Object builder = Class.forName(CONNECT_SESSION).getMethod("builder").invoke(null);
      builder =
          builder.getClass().getMethod("remote", String.class).invoke(builder, "sc://127.0.0.1:" + port);
      client = (SparkSession) builder.getClass().getMethod("getOrCreate").invoke(builder);
      Dataset<Row> input = client.range(3).toDF();
      TorchScorer scorer =
          TorchScorer.builder()
              .modelPath(Paths.get("src/test/resources/fixtures/tutorial_mlp.pt").toAbsolutePath().toString())
              .featuresCol("id")
              .build();

      assertThatThrownBy(() -> scorer.transform(input))
          .isInstanceOf(TorchScoreException.class)
          .hasMessage(
              "Cannot score on a Spark Connect session (" + CONNECT_SESSION + "): torchscore runs in"
                  + " the executors' JVMs and needs classic compute (on Databricks: a dedicated,"
                  + " single-user cluster, not serverless or standard access mode)");
    } finally {
      if (client != null) {
        client.close();
      }
      server.stop();
    }
  }
}
