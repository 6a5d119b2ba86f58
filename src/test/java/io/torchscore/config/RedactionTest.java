package io.torchscore.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedactionTest {

  @Test
  void credentialsInUrisAreHidden() {
    assertThat(Redaction.uri("s3a://AKIAEXAMPLE:s3cr3t@bucket/models/m.pt"))
        .isEqualTo("s3a://***@bucket/models/m.pt");
    assertThat(Redaction.uri("hdfs://namenode:8020/m.pt")).isEqualTo("hdfs://namenode:8020/m.pt");
  }

  @Test
  void secretKeysHideTheirValues() {
    assertThat(Redaction.confValue("spark.hadoop.fs.s3a.secret.key", "s3cr3t")).isEqualTo("***");
    assertThat(Redaction.confValue("spark.hadoop.fs.s3a.access.key", "AKIA")).isEqualTo("***");
    assertThat(Redaction.confValue("spark.torchscore.batch.size", "64")).isEqualTo("64");
  }
}
