package io.torchscore.sparkinternal;

import io.torchscore.tensor.RowValues;
import java.util.Arrays;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * A row in Spark's internal format as the feature readers read it: a reusable view, pointed at
 * the next row by {@link #of}, so that reading a row allocates nothing of its own. Its arrays and
 * structs are views too, one per column, reused row after row.
 */
public final class InternalRowValues implements RowValues {

  private InternalRow row;
  private SparkArrayValues[] arrays = new SparkArrayValues[0];
  private InternalRowValues[] structs = new InternalRowValues[0];

  /**
   * Points this view at {@code row}.
   *
   * @param row the row
   * @return this view
   */
  public InternalRowValues of(InternalRow row) {
    this.row = row;
    return this;
  }

  @Override
  public boolean isNullAt(int i) {
    return row.isNullAt(i);
  }

  @Override
  public byte getByte(int i) {
    return row.getByte(i);
  }

  @Override
  public short getShort(int i) {
    return row.getShort(i);
  }

  @Override
  public int getInt(int i) {
    return row.getInt(i);
  }

  @Override
  public long getLong(int i) {
    return row.getLong(i);
  }

  @Override
  public float getFloat(int i) {
    return row.getFloat(i);
  }

  @Override
  public double getDouble(int i) {
    return row.getDouble(i);
  }

  @Override
  public double getDecimalAsDouble(int i, int precision, int scale) {
    return row.getDecimal(i, precision, scale).toDouble();
  }

  @Override
  public String getString(int i) {
    return row.getUTF8String(i).toString();
  }

  @Override
  public byte[] getBinary(int i) {
    return row.getBinary(i);
  }

  @Override
  public SparkArrayValues getArray(int i) {
    if (i >= arrays.length) {
      arrays = Arrays.copyOf(arrays, i + 1);
    }
    if (arrays[i] == null) {
      arrays[i] = new SparkArrayValues();
    }
    return arrays[i].of(row.getArray(i));
  }

  @Override
  public InternalRowValues getStruct(int i, int fields) {
    if (i >= structs.length) {
      structs = Arrays.copyOf(structs, i + 1);
    }
    if (structs[i] == null) {
      structs[i] = new InternalRowValues();
    }
    return structs[i].of(row.getStruct(i, fields));
  }
}
