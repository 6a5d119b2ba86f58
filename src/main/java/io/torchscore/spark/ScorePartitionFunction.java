package io.torchscore.spark;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.translate.NoopTranslator;
import io.torchscore.model.ModelCache;
import io.torchscore.model.ModelRef;
import io.torchscore.tensor.BatchEncoder;
import io.torchscore.tensor.FeatureLayout;
import io.torchscore.tensor.PredictionDecoder;
import io.torchscore.tensor.PredictionType;
import java.util.Iterator;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.util.TaskCompletionListener;

/**
 * Scores one partition on an executor: takes the JVM's shared model (loading it on first use),
 * opens a predictor for this task, and streams the rows through it in batches.
 */
final class ScorePartitionFunction implements MapPartitionsFunction<Row, Row> {

  private static final long serialVersionUID = 1L;

  private final Broadcast<ModelRef> modelRef;
  private final FeatureLayout layout;
  private final int width;
  private final PredictionType predictionType;
  private final int batchSize;
  private final ScoreMetrics metrics;

  ScorePartitionFunction(
      Broadcast<ModelRef> modelRef,
      FeatureLayout layout,
      int width,
      PredictionType predictionType,
      int batchSize,
      ScoreMetrics metrics) {
    this.modelRef = modelRef;
    this.layout = layout;
    this.width = width;
    this.predictionType = predictionType;
    this.batchSize = batchSize;
    this.metrics = metrics;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    Model model = ModelCache.getOrLoad(modelRef.value(), metrics::modelLoaded);
    Predictor<NDList, NDList> predictor = model.newPredictor(new NoopTranslator());
    ScoredRowIterator scored =
        new ScoredRowIterator(
            rows,
            predictor,
            model.getNDManager(),
            new BatchEncoder(layout, width, batchSize),
            new PredictionDecoder(predictionType),
            batchSize,
            metrics);
    TaskContext task = TaskContext.get();
    if (task != null) {
      // A downstream limit can stop reading early: the task's end still closes the predictor.
      task.addTaskCompletionListener(
          new TaskCompletionListener() {
            @Override
            public void onTaskCompletion(TaskContext context) {
              scored.close();
            }
          });
    }
    return scored;
  }
}
