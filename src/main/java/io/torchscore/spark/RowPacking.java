package io.torchscore.spark;

import org.apache.spark.sql.catalyst.InternalRow;

/**
 * How an input row is packed: whole (the row scoring reads is the row it holds and emits), or
 * as a pair of structs, the columns held until the row is emitted (those written, and the key)
 * and all the columns scoring reads. A batch then holds only the first: an image column that is
 * not written is read into the batch's tensor and never copied into the batch's arena.
 *
 * @param heldFields the held struct's columns, or -1 for a whole row
 * @param allFields the second struct's columns
 */
record RowPacking(int heldFields, int allFields) implements java.io.Serializable {

  /** Rows that are held whole. */
  static RowPacking whole() {
    return new RowPacking(-1, -1);
  }

  boolean split() {
    return heldFields >= 0;
  }

  /** Returns the columns of an arriving row that a batch holds until the row is emitted. */
  InternalRow held(InternalRow arriving) {
    return split() ? arriving.getStruct(0, heldFields) : arriving;
  }

  /** Returns the columns of an arriving row that scoring reads ({@code held}: its held columns, kept). */
  InternalRow read(InternalRow arriving, InternalRow held) {
    return split() ? arriving.getStruct(1, allFields) : held;
  }
}
