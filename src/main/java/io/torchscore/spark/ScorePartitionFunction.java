package io.torchscore.spark;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.translate.NoopTranslator;
import io.torchscore.config.ScoreSettings.OnError;
import io.torchscore.model.ModelCache;
import io.torchscore.model.ModelRef;
import io.torchscore.tensor.BatchEncoder;
import io.torchscore.tensor.InputLayout;
import io.torchscore.tensor.OutputLayout;
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

  /** What a partition needs besides the model: fixed on the driver, the same for every task. */
  record Plan(
      InputLayout inputs,
      OutputLayout outputs,
      int batchSize,
      boolean rejectNaN,
      OnError onError,
      int keyIndex,
      String keyColumn)
      implements java.io.Serializable {}

  private final Broadcast<ModelRef> modelRef;
  private final Plan plan;
  private final ScoreMetrics metrics;

  ScorePartitionFunction(Broadcast<ModelRef> modelRef, Plan plan, ScoreMetrics metrics) {
    this.modelRef = modelRef;
    this.plan = plan;
    this.metrics = metrics;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    Model model = ModelCache.getOrLoad(modelRef.value(), metrics::modelLoaded);
    Predictor<NDList, NDList> predictor = model.newPredictor(new NoopTranslator());
    TaskContext task = TaskContext.get();
    ScoredRowIterator scored =
        new ScoredRowIterator(
            rows,
            predictor,
            model.getNDManager(),
            new BatchEncoder(plan.inputs(), plan.batchSize(), plan.rejectNaN()),
            plan.outputs(),
            plan.batchSize(),
            plan.onError(),
            new ScoredRowIterator.RowNaming(
                task == null ? 0 : task.partitionId(), plan.keyIndex(), plan.keyColumn()),
            metrics);
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
