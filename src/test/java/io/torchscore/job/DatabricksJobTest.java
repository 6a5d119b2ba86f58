package io.torchscore.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.torchscore.config.ConfKeys;
import io.torchscore.config.JobSettings;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** jobs/databricks/score-job.json: a Jobs API 2.1 job that runs the cluster jar's command. */
class DatabricksJobTest {

  private static JsonNode task;

  @BeforeAll
  static void readJob() throws IOException {
    JsonNode job = new ObjectMapper().readTree(new File("jobs/databricks/score-job.json"));
    assertThat(job.path("tasks")).hasSize(1);
    task = job.path("tasks").get(0);
  }

  private static Map<String, String> sparkConf() {
    Map<String, String> conf = new LinkedHashMap<>();
    task.path("new_cluster").path("spark_conf").fields()
        .forEachRemaining(e -> conf.put(e.getKey(), e.getValue().asText()));
    return conf;
  }

  private static List<String> parameters() {
    List<String> parameters = new ArrayList<>();
    task.path("spark_jar_task").path("parameters").forEach(p -> parameters.add(p.asText()));
    return parameters;
  }

  @Test
  void runsTheJobsMainClassFromTheClusterJarWithRetriesAndATimeout() {
    assertThat(task.path("spark_jar_task").path("main_class_name").asText())
        .isEqualTo(ScoreCommand.class.getName());
    assertThat(task.path("libraries").get(0).path("jar").asText())
        .startsWith("dbfs:/")
        .endsWith("-cluster.jar");
    assertThat(task.path("max_retries").asInt()).isPositive();
    assertThat(task.path("timeout_seconds").asInt()).isPositive();
  }

  @Test
  void everyTorchscoreKeyInTheClusterConfAndTheParametersIsASetting() {
    Map<String, String> conf = sparkConf();
    CommandLine.ParseResult parsed = new CommandLine(new ScoreCommand()).parseArgs(parameters().toArray(String[]::new));
    Map<String, String> given = parsed.matchedOptionValue("--conf", Map.<String, String>of());
    conf.putAll(given);

    assertThat(conf.keySet()).allMatch(key -> key.startsWith(ConfKeys.PREFIX));
    ConfKeys.checkKnown(conf);
    JobSettings settings = JobSettings.fromConf(conf);
    assertThat(settings.outputPath()).isEqualTo("dbfs:/lake/scores/churn/date={{job.start_time.iso_date}}");
    assertThat(settings.score().get(ConfKeys.MODEL_PATH)).isEqualTo("dbfs:/models/churn/mlp.pt");
  }
}
