package io.torchscore.tensor;

import org.apache.spark.sql.types.DataType;

/**
 * Recognises Spark ML's vector type by its class name, so that a library user without {@code
 * spark-mllib} on the classpath (it is needed only for vector columns) never loads its classes.
 */
public final class MlVectors {

  private static final String VECTOR_UDT = "org.apache.spark.ml.linalg.VectorUDT";

  private MlVectors() {}

  /**
   * Returns whether a column type is Spark ML's {@code vector}.
   *
   * @param type the column's type
   * @return true for {@code org.apache.spark.ml.linalg.VectorUDT}
   */
  public static boolean isVector(DataType type) {
    return type.getClass().getName().equals(VECTOR_UDT);
  }
}
