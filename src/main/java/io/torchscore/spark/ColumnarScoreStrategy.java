package io.torchscore.spark;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.Alias;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.CreateNamedStruct;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.MapPartitions;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.SparkStrategy;

/**
 * Plans the scoring step as {@link ColumnarScoreExec} where its input is read by a scan that may
 * give columnar batches: a file relation (Parquet, ORC, Delta) or a cached table, with only a
 * selection of its columns between (as {@link InternalRowStep} packs them). Any other input keeps
 * Spark's own plan of the step, over rows.
 *
 * <p>Installed in the session's extra strategies by the first scoring step.
 */
final class ColumnarScoreStrategy extends SparkStrategy implements Scala212Overrides.Strategy {

  private static final String[] COLUMNAR_SOURCES = {"LogicalRelation", "InMemoryRelation", "DataSourceV2ScanRelation"};

  /** Adds the strategy to the session's extra strategies, once. */
  static synchronized void install(SparkSession spark) {
    try {
      Object experimental = spark.getClass().getMethod("experimental").invoke(spark);
      List<Object> strategies = ScalaSeqs.call(experimental, "extraStrategies");
      if (strategies.stream().anyMatch(ColumnarScoreStrategy.class::isInstance)) {
        return;
      }
      List<Object> installed = new ArrayList<>(strategies);
      installed.add(new ColumnarScoreStrategy());
      for (Method method : experimental.getClass().getMethods()) {
        if (method.getName().equals("extraStrategies_$eq")) {
          method.invoke(experimental, ScalaSeqs.list(installed));
          return;
        }
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException("Cannot add torchscore's columnar scoring to the session's planner", e);
    }
    throw new IllegalStateException("Cannot add torchscore's columnar scoring: this Spark has no extraStrategies");
  }

  @Override
  public scala.collection.immutable.Seq<SparkPlan> apply(LogicalPlan plan) {
    if (plan instanceof MapPartitions map
        && map.func() instanceof ScoreStep step
        && step.columnar() != null
        && map.child() instanceof Project project
        && mayGiveColumns(project.child())) {
      SparkPlan exec = plan(map, step, project);
      if (exec != null) {
        return ScalaSeqs.list(List.of(exec));
      }
    }
    return ScalaSeqs.list(List.of());
  }

  private SparkPlan plan(MapPartitions map, ScoreStep step, Project project) {
    List<Expression> packed = ScalaSeqs.elements(project.productElement(0));
    if (packed.size() != 1 || !(packed.get(0) instanceof Alias alias) || !(alias.child() instanceof CreateNamedStruct row)) {
      return null;
    }
    List<Attribute> columns = ScalaSeqs.call(project.child(), "output");
    List<Expression> values = ScalaSeqs.elements(row.valExprs());
    int[] read;
    int[] carried;
    if (step.split()) {
      if (values.size() != 2 || !(values.get(0) instanceof CreateNamedStruct held) || !(values.get(1) instanceof CreateNamedStruct all)) {
        return null;
      }
      carried = ordinals(ScalaSeqs.elements(held.valExprs()), columns);
      read = ordinals(ScalaSeqs.elements(all.valExprs()), columns);
    } else {
      read = ordinals(values, columns);
      carried = read;
    }
    if (read == null || carried == null) {
      return null;
    }
    return new ColumnarScoreExec(planLater(project.child()), map.outputObjAttr(), step, read, carried);
  }

  /** Returns each value's index among the columns, or null when one is not a column as it is. */
  private static int[] ordinals(List<Expression> values, List<Attribute> columns) {
    int[] ordinals = new int[values.size()];
    for (int i = 0; i < values.size(); i++) {
      if (!(values.get(i) instanceof AttributeReference attribute)) {
        return null;
      }
      ordinals[i] = -1;
      for (int c = 0; c < columns.size(); c++) {
        if (columns.get(c).exprId().equals(attribute.exprId())) {
          ordinals[i] = c;
        }
      }
      if (ordinals[i] < 0) {
        return null;
      }
    }
    return ordinals;
  }

  private static boolean mayGiveColumns(LogicalPlan source) {
    String name = source.getClass().getSimpleName();
    for (String columnar : COLUMNAR_SOURCES) {
      if (name.equals(columnar)) {
        return true;
      }
    }
    return false;
  }
}
