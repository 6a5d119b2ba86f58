package io.torchscore.sparkinternal;

import io.torchscore.tensor.OutputRow;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.catalyst.expressions.SpecificInternalRow;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * The columns appended to each row emitted (the predictions, then the error), in one row reused
 * from row to row, and the row emitted: the input row joined to them, without a copy.
 */
public final class AppendedColumns implements OutputRow {

  private final SpecificInternalRow appended;
  private final JoinedRow emitted = new JoinedRow();

  /**
   * Creates the columns.
   *
   * @param schema the appended columns
   */
  public AppendedColumns(StructType schema) {
    this.appended = new SpecificInternalRow(schema);
  }

  /**
   * Returns the number of appended columns.
   *
   * @return the column count
   */
  public int size() {
    return appended.numFields();
  }

  /**
   * Sets column {@code i} to null.
   *
   * @param i the column
   */
  public void setNull(int i) {
    appended.setNullAt(i);
  }

  /**
   * Sets column {@code i} to a string.
   *
   * @param i the column
   * @param value the string
   */
  public void setString(int i, String value) {
    appended.update(i, UTF8String.fromString(value));
  }

  @Override
  public void setInt(int i, int value) {
    appended.setInt(i, value);
  }

  @Override
  public void setLong(int i, long value) {
    appended.setLong(i, value);
  }

  @Override
  public void setFloat(int i, float value) {
    appended.setFloat(i, value);
  }

  @Override
  public void set(int i, Object value) {
    appended.update(i, value);
  }

  /**
   * Returns {@code row} with these columns appended, valid until the next call.
   *
   * @param row the input row
   * @return the row emitted
   */
  public InternalRow appendTo(InternalRow row) {
    return emitted.apply(row, appended);
  }
}
