package io.torchscore.sparkinternal;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.NamedExpression$;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.MapPartitions;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructType;
import scala.Function1;
import scala.collection.Iterator;
import scala.collection.immutable.Nil$;

/**
 * Adds a function over a partition's rows, in Spark's internal format, to a DataFrame's query
 * plan, pinned by the plan tests on Spark 3.5 and 4.0.
 *
 * <p>{@code Dataset.mapPartitions} would convert every row to a {@link Row} and back (boxing every
 * float of a feature array, twice). Here the rows are packed into one struct column, which the
 * function reads as an {@code InternalRow} (arrays stay {@code UnsafeArrayData}), or into a struct
 * of two: the columns the function holds on to, and all of them; its output
 * struct is unpacked with {@code select("<column>.*")}. The step is Spark's own
 * {@link MapPartitions} node, so it is lazy, usable on streams, and shown in {@code explain()} by
 * the function's {@code toString}.
 */
public final class InternalRowStep {

  private static final String ROW = "torchscore_row";
  private static final String SCORED = "torchscore_scored";

  private InternalRowStep() {}

  /**
   * Returns the input mapped partition by partition by {@code step}, whose rows are
   * {@code InternalRow}s of the input's schema in and of {@code outputSchema} out; or, with
   * {@code held} columns, pairs of structs in: those columns, then all the input's.
   *
   * @param input the rows
   * @param held the columns of each pair's first struct, or null for rows of the input's schema
   * @param step the function over a partition's rows
   * @param outputSchema the schema of the rows the step returns
   * @return the mapped rows, lazy
   */
  public static Dataset<Row> map(
      Dataset<Row> input,
      String[] held,
      Function1<Iterator<Object>, Iterator<Object>> step,
      StructType outputSchema) {
    Column all = functions.struct(columns(input, input.columns()));
    Column row = held == null ? all : functions.struct(functions.struct(columns(input, held)), all);
    LogicalPlan packed = input.select(row.as(ROW)).queryExecution().analyzed();
    LogicalPlan scored = new MapPartitions(step, attribute(SCORED, outputSchema), packed);
    return ofRows(input.sparkSession(), scored).select(SCORED + ".*");
  }

  private static Column[] columns(Dataset<Row> input, String[] names) {
    return Arrays.stream(names).map(name -> input.col(quoted(name))).toArray(Column[]::new);
  }

  private static String quoted(String name) {
    return "`" + name.replace("`", "``") + "`";
  }

  /** A new attribute: its constructor takes a Scala {@code Seq}, a different type in 2.12 and 2.13. */
  private static Attribute attribute(String name, StructType type) {
    try {
      for (Constructor<?> constructor : AttributeReference.class.getConstructors()) {
        if (constructor.getParameterCount() == 6) {
          return (Attribute)
              constructor.newInstance(
                  name, type, false, Metadata.empty(), NamedExpression$.MODULE$.newExprId(), Nil$.MODULE$);
        }
      }
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("Cannot make the scoring step's output attribute", e);
    }
    throw new IllegalStateException(
        "Cannot make the scoring step's output attribute: this Spark's AttributeReference has no"
            + " 6-argument constructor");
  }

  /** {@code Dataset.ofRows}: in {@code org.apache.spark.sql.classic} since Spark 4.0. */
  @SuppressWarnings("unchecked")
  private static Dataset<Row> ofRows(SparkSession spark, LogicalPlan plan) {
    for (String name : new String[] {"org.apache.spark.sql.classic.Dataset$", "org.apache.spark.sql.Dataset$"}) {
      try {
        Class<?> companion = Class.forName(name);
        Object module = companion.getField("MODULE$").get(null);
        for (Method method : companion.getMethods()) {
          Class<?>[] types = method.getParameterTypes();
          if (method.getName().equals("ofRows")
              && types.length == 2
              && types[0].isInstance(spark)
              && types[1] == LogicalPlan.class) {
            return (Dataset<Row>) method.invoke(module, spark, plan);
          }
        }
      } catch (ClassNotFoundException e) {
        // Spark 3.5 has no classic package: try the next name.
      } catch (InvocationTargetException e) {
        if (e.getCause() instanceof RuntimeException cause) {
          throw cause; // the analyzer's own message
        }
        throw new IllegalStateException("Cannot add the scoring step to the plan", e.getCause());
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("Cannot add the scoring step to the plan", e);
      }
    }
    throw new IllegalStateException(
        "Cannot add the scoring step to the plan: no Dataset.ofRows(SparkSession, LogicalPlan) in this Spark");
  }
}
