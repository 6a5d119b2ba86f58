package io.torchscore.spark;

import ai.djl.Device;
import io.torchscore.TorchScoreException;
import io.torchscore.config.ConfKeys;
import io.torchscore.config.ScoreSettings;
import io.torchscore.config.ScoreSettings.OnError;
import io.torchscore.config.Setting;
import io.torchscore.model.DeviceChoice;
import io.torchscore.model.DeviceProbe;
import io.torchscore.model.ModelCache;
import io.torchscore.model.ModelEngine;
import io.torchscore.model.ModelFetcher;
import io.torchscore.model.ModelRef;
import io.torchscore.tensor.InputLayout;
import io.torchscore.tensor.OutputLayout;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToIntFunction;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * What the driver learns before any task: the inputs, the model, its outputs, the rows per batch,
 * the schema of the rows scoring makes (held columns and predictions) and of the rows written.
 *
 * @param inputs the model's inputs, resolved against the input's columns
 * @param ref the model, located (and shipped when it is on the driver's disk)
 * @param outputs the model's outputs, learnt from a sample batch
 * @param batchRows rows per forward call
 * @param scoredSchema the held columns with the prediction (and error) columns
 * @param outputSchema the written columns with the prediction (and error) columns
 */
record PreparedScoring(
    InputLayout inputs,
    ModelRef ref,
    OutputLayout outputs,
    int batchRows,
    StructType scoredSchema,
    StructType outputSchema) {

  /**
   * Checks the settings, the input's columns and the model on the driver: resolves the inputs,
   * locates (and ships) the model, loads it on the driver's CPU and scores a sample batch to learn
   * the outputs, and checks the device setting.
   *
   * @param settings the scoring settings
   * @param spark the session
   * @param carried the input's columns, as scoring carries them
   * @param lengthProbe gives a feature column's length when neither the settings nor its ML
   *     attributes do
   * @param metrics where the driver's model load is counted, or null
   * @return what the tasks need
   * @throws TorchScoreException when the model or the features are not usable
   */
  static PreparedScoring prepare(
      ScoreSettings settings,
      SparkSession spark,
      CarriedColumns carried,
      ToIntFunction<String> lengthProbe,
      ScoreMetrics metrics) {
    StructType schema = carried.carried();
    List<String> columns = Arrays.asList(schema.fieldNames());
    TorchScoreException.check(
        settings.get(ConfKeys.KEY_COLUMN) == null || columns.contains(settings.get(ConfKeys.KEY_COLUMN)),
        "Cannot score: key column '%s' (%s) is not in the input; columns are %s",
        settings.get(ConfKeys.KEY_COLUMN),
        ConfKeys.KEY_COLUMN,
        columns);
    InputLayout inputs =
        InputLayout.resolve(settings, schema, column -> FeatureLength.fromAttributes(schema, column).orElseGet(() -> lengthProbe.applyAsInt(column)))
            .withCorruptRecords(schema, spark.conf().get(TorchScorer.CORRUPT_RECORD_CONF, "_corrupt_record"));
    ModelRef ref =
        ModelFetcher.locate(
            settings.get(ConfKeys.MODEL_PATH),
            SessionConf.hadoop(spark),
            threads(settings, spark),
            settings.get(ConfKeys.CACHE_DIR),
            settings.get(ConfKeys.MODEL_SHA256))
        .withEngine(settings.get(ConfKeys.ENGINE), settings.get(ConfKeys.ONNXRUNTIME_PROVIDER));
    ref = ModelFetcher.shipIfDriverLocal(spark, ref);
    OutputLayout outputs;
    // The driver checks the model on its CPU: a GPU cluster's driver often has no GPU.
    long leaseStart = System.nanoTime();
    boolean[] loadedHere = new boolean[1];
    try (ModelCache.Lease lease =
        ModelCache.lease(
            ref,
            Device.cpu(),
            settings.get(ConfKeys.PRECISION),
            settings.get(ConfKeys.CACHE_MODELS),
            () -> loadedHere[0] = true)) {
      if (loadedHere[0] && metrics != null) {
        String host = spark.sparkContext().getConf().get("spark.driver.host", "localhost");
        metrics.modelLoaded("driver", host, System.nanoTime() - leaseStart);
      }
      List<String> labels =
          settings.get(ConfKeys.LABELS_PATH) == null ? null : LabelsFile.read(settings.get(ConfKeys.LABELS_PATH), SessionConf.hadoop(spark));
      outputs = ModelValidator.validate(lease.model(), inputs, settings, labels);
    }
    // After the load above: the probe asks the engine, which DjlEnvironment must set up first.
    DeviceChoice.checkDriver(
        settings.get(ConfKeys.DEVICE),
        spark.sparkContext().isLocal(),
        spark.sparkContext().getConf().get(DeviceChoice.TASK_GPU_AMOUNT, null),
        DeviceProbe.get(ModelEngine.of(settings.get(ConfKeys.ENGINE))));
    // On a CPU, as the driver cannot tell the executors' devices: a fixed size's rows there, or
    // the most rows auto may choose.
    int batchRows =
        new BatchSizing(settings.get(ConfKeys.BATCH_SIZE), settings.get(ConfKeys.BATCH_MAX_BYTES), null)
            .rows(inputs, Device.cpu());
    return new PreparedScoring(
        inputs,
        ref,
        outputs,
        batchRows,
        appended(settings, carried.held(), outputs),
        appended(settings, carried.written(), outputs));
  }

  /** Returns the schema with the prediction columns (and the error column) appended. */
  private static StructType appended(ScoreSettings settings, StructType schema, OutputLayout outputs) {
    StructType appended = schema;
    for (StructField field : outputs.fields()) {
      appended = add(appended, field, ConfKeys.PREDICTION_COLUMN);
    }
    if (settings.onError() != OnError.FAIL) {
      appended =
          add(
              appended,
              DataTypes.createStructField(settings.get(ConfKeys.ERROR_COLUMN), DataTypes.StringType, true),
              ConfKeys.ERROR_COLUMN);
    }
    return appended;
  }

  private static StructType add(StructType schema, StructField field, Setting<String> key) {
    TorchScoreException.check(
        !Arrays.asList(schema.fieldNames()).contains(field.name()),
        "Cannot score: the input already has a column '%s'; set %s to another name",
        field.name(),
        key);
    return schema.add(field);
  }

  private static int threads(ScoreSettings settings, SparkSession spark) {
    if (settings.get(ConfKeys.THREADS) > 0) {
      return settings.get(ConfKeys.THREADS);
    }
    return spark.sparkContext().getConf().getInt(ConfKeys.SPARK_TASK_CPUS, 1);
  }
}
