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
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.util.TaskCompletionListener;

/**
 * Scores one partition on an executor: takes the JVM's shared model (loading it on first use),
 * opens a predictor for this task, and streams the rows through it in batches. Rows stay in
 * Spark's internal format, so no value is boxed on the way in or out.
 */
final class ScorePartitionFunction implements FlatMapFunction<Iterator<InternalRow>, InternalRow> {

  private static final long serialVersionUID = 1L;

  /** What a partition needs besides the model: fixed on the driver, the same for every task. */
  record Plan(
      InputLayout inputs,
      OutputLayout outputs,
      int batchSize,
      boolean rejectNaN,
      OnError onError,
      int keyIndex,
      String keyColumn,
      DataType keyType)
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
  public Iterator<InternalRow> call(Iterator<InternalRow> rows) {
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
                task == null ? 0 : task.partitionId(),
                plan.keyIndex(),
                plan.keyColumn(),
                plan.keyType()),
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
