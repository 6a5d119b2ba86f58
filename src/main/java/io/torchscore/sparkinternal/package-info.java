/**
 * The only package that uses Spark's internal API: the scoring step's plan nodes and planning
 * strategy (catalyst's logical plans and expressions, {@code SparkPlan}, {@code Dataset.ofRows}),
 * the layouts of {@code UnsafeRow}, {@code UnsafeArrayData} and the column vectors of a
 * {@code ColumnarBatch}, and the adapters through which the tensor package reads rows and writes
 * predictions. A new Spark version may need changes here, and nowhere else.
 */
package io.torchscore.sparkinternal;
