package io.torchscore.spark;

import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataType;

/**
 * Where a partition is and how its rows are named in messages: by position, and by the key
 * column's value (at {@code keyIndex} of the rows a batch holds) when one is set.
 */
record RowNaming(int partition, int keyIndex, String keyColumn, DataType keyType) {

  /** Returns " (key=value)" for a held row, or "" without a key column. */
  String key(InternalRow row) {
    return keyIndex < 0 ? "" : " (" + keyColumn + "=" + row.get(keyIndex, keyType) + ")";
  }
}
