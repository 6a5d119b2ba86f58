package io.torchscore.sparkinternal;

import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.trees.TreeNode;

/**
 * The signatures, under Scala 2.12, of the Scala members the plan classes override: there a
 * {@code Seq} is {@code scala.collection.Seq}, under 2.13 {@code scala.collection.immutable.Seq}.
 * A class compiled against Spark 4 (2.13) that also implements these gets a bridge method for
 * each from javac, so that Spark 3.5 (2.12) finds its members too.
 */
final class Scala212Overrides {

  private Scala212Overrides() {}

  /** A plan node's members. */
  @SuppressWarnings("rawtypes")
  interface Node<S extends scala.collection.IndexedSeq> {
    scala.collection.Seq children();

    scala.collection.Seq output();

    TreeNode<?> withNewChildrenInternal(S children);
  }

  /** A planning strategy's member. */
  interface Strategy {
    @SuppressWarnings("rawtypes")
    scala.collection.Seq apply(LogicalPlan plan);
  }
}
