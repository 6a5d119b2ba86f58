package io.torchscore.sparkinternal;

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
public final class ColumnarScoreStrategy extends SparkStrategy implements Scala212Overrides.Strategy {

  private static final String[] COLUMNAR_SOURCES = {"LogicalRelation", "InMemoryRelation", "DataSourceV2ScanRelation"};

  /**
   * Adds the strategy to the session's extra strategies, once.
   *
   * @param spark the session
   */
  public static synchronized void install(SparkSession spark) {
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
        && map.func() instanceof ColumnarStep step
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

  private SparkPlan plan(MapPartitions map, ColumnarStep step, Project project) {
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
    // The scan reads only the columns used (a file source prunes the others from its read schema,
    // as under Spark's own plan of the step): planned below a selection of them, in the source's
    // order, with every partition column, which is the scan's own output, so that no projection
    // comes between it and the step.
    List<String> partitionColumns = partitionColumns(project.child());
    boolean[] keep = new boolean[columns.size()];
    for (int c = 0; c < columns.size(); c++) {
      keep[c] = partitionColumns.contains(columns.get(c).name());
    }
    for (int c : read) {
      keep[c] = true;
    }
    for (int c : carried) {
      keep[c] = true;
    }
    List<Attribute> used = new ArrayList<>();
    int[] index = new int[columns.size()];
    for (int c = 0; c < columns.size(); c++) {
      index[c] = used.size();
      if (keep[c]) {
        used.add(columns.get(c));
      }
    }
    LogicalPlan source = used.size() == columns.size() ? project.child() : select(used, project.child());
    return new ColumnarScoreExec(planLater(source), map.outputObjAttr(), step, remap(read, index), remap(carried, index));
  }

  private static int[] remap(int[] ordinals, int[] index) {
    int[] remapped = new int[ordinals.length];
    for (int i = 0; i < ordinals.length; i++) {
      remapped[i] = index[ordinals[i]];
    }
    return remapped;
  }

  /** A Project of the columns over the source, built reflectively: its constructor's Seq is 2.12's or 2.13's. */
  private static LogicalPlan select(List<Attribute> columns, LogicalPlan source) {
    try {
      for (java.lang.reflect.Constructor<?> constructor : Project.class.getConstructors()) {
        if (constructor.getParameterCount() == 2) {
          return (LogicalPlan) constructor.newInstance(ScalaSeqs.list(columns), source);
        }
      }
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("Cannot select the scored columns of " + source.nodeName(), e);
    }
    throw new IllegalStateException("This Spark's Project has no (projectList, child) constructor");
  }

  /** The partition columns of a file relation's table, or none. */
  private static List<String> partitionColumns(LogicalPlan source) {
    if (source instanceof org.apache.spark.sql.execution.datasources.LogicalRelation logical
        && logical.relation() instanceof org.apache.spark.sql.execution.datasources.HadoopFsRelation files) {
      return List.of(files.partitionSchema().fieldNames());
    }
    return List.of();
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
