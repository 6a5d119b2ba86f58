package io.torchscore.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;

/**
 * One input's values for a batch, in one direct buffer reused from batch to batch (and, through
 * {@link DirectBuffers}, by the next partitions) and handed to DJL without a copy.
 */
final class InputBuffer implements ValueSink {

  private final InputSpec spec;
  private final int width;
  private final int elementBytes;
  private final ByteBuffer bytes;
  private final FloatBuffer floats;
  private final LongBuffer longs;
  private final FiniteScan finiteScan;
  private final long address;
  private int offset;
  private boolean pinned;
  private boolean released;
  // The NaN and infinite values of the row being written, and the first of them.
  private int rowNaN;
  private int rowInfinite;
  private int firstNonFinite;
  private double firstNonFiniteValue;

  InputBuffer(InputSpec spec, int batchSize) {
    this.spec = spec;
    this.width = spec.width();
    this.elementBytes = spec.int64() ? Long.BYTES : Float.BYTES;
    DirectBuffers.Lent lent = DirectBuffers.take(Math.multiplyExact(Math.multiplyExact(width, batchSize), elementBytes));
    this.bytes = lent.bytes();
    this.pinned = lent.pinned();
    this.floats = spec.int64() ? null : bytes.asFloatBuffer();
    this.longs = spec.int64() ? bytes.asLongBuffer() : null;
    this.finiteScan = spec.int64() ? null : new FiniteScan(bytes);
    this.address = Pointer.nativeValue(Native.getDirectBufferPointer(bytes));
  }

  /** Writes the row's values into batch slot {@code slot}; returns what was wrong, or null. */
  RowError write(RowValues row, int slot, boolean rejectNaN) {
    offset = slot * width;
    rowNaN = 0;
    rowInfinite = 0;
    firstNonFinite = -1;
    RowError error = spec.reader().read(row, this);
    if (error == null && rejectNaN && firstNonFinite >= 0) {
      int i = firstNonFinite;
      String value = Double.toString(firstNonFiniteValue);
      return spec.columns().size() == 1
          ? new RowError(ErrorReason.NAN, spec.columns().get(0), "has " + value + " at index " + i)
          : new RowError(ErrorReason.NAN, spec.columns().get(i), "is " + value);
    }
    return error;
  }

  /** Returns the NaN values of the row last written. */
  int rowNaN() {
    return rowNaN;
  }

  /** Returns the infinite values of the row last written (as the tensor holds them: 1e39 is infinite in float32). */
  int rowInfinite() {
    return rowInfinite;
  }

  private void nonFinite(int i, double value) {
    if (Double.isNaN(value)) {
      rowNaN++;
    } else {
      rowInfinite++;
    }
    if (firstNonFinite < 0) {
      firstNonFinite = i;
      firstNonFiniteValue = value;
    }
  }

  @Override
  public void putDouble(int i, double value) {
    if (longs != null) {
      longs.put(offset + i, (long) value);
      if (!Double.isFinite(value)) {
        nonFinite(i, value);
      }
    } else {
      float cast = (float) value;
      floats.put(offset + i, cast);
      if (!Float.isFinite(cast)) {
        nonFinite(i, cast);
      }
    }
  }

  @Override
  public void putLong(int i, long value) {
    if (longs != null) {
      longs.put(offset + i, value);
    } else {
      floats.put(offset + i, value);
    }
  }

  @Override
  public void putFloat(int i, float value) {
    if (longs != null) {
      longs.put(offset + i, (long) value);
    } else {
      floats.put(offset + i, value);
    }
    if (!Float.isFinite(value)) {
      nonFinite(i, value);
    }
  }

  @Override
  public void putFloats(int i, float[] values) {
    if (floats == null) {
      for (int k = 0; k < values.length; k++) {
        putFloat(i + k, values[k]);
      }
      return;
    }
    // In chunks, each checked while the CPU's first-level cache still holds it.
    for (int from = 0; from < values.length; from += FLOATS_CHUNK) {
      int n = Math.min(FLOATS_CHUNK, values.length - from);
      floats.put(offset + i + from, values, from, n);
      wroteFloats(i + from, n);
    }
  }

  @Override
  public long floatsAddress(int i) {
    return floats == null ? -1 : address + (long) (offset + i) * Float.BYTES;
  }

  @Override
  public void wroteFloats(int i, int count) {
    if (!finiteScan.allFinite(offset + i, count)) {
      for (int k = 0; k < count; k++) {
        float value = floats.get(offset + i + k);
        if (!Float.isFinite(value)) {
          nonFinite(i + k, value);
        }
      }
    }
  }

  /** Page-locks the buffer for fast copies to a GPU, when CUDA is there (a buffer kept from a GPU partition already is). */
  void pin() {
    if (!pinned) {
      pinned = PinnedMemory.pin(bytes);
    }
  }

  /** Gives the buffer back for the next partitions; this buffer is not used afterwards. */
  void release() {
    if (!released) {
      released = true;
      DirectBuffers.give(new DirectBuffers.Lent(bytes, pinned));
    }
  }

  /** Returns slots {@code [from, to)} as a tensor sharing this buffer's memory. */
  NDArray tensor(NDManager manager, int from, int to) {
    // DJL wraps a direct buffer in place (torch::from_blob): the slice's address is slot `from`.
    ByteBuffer slots = bytes.duplicate().position(from * width * elementBytes).limit(to * width * elementBytes).slice();
    return manager.create(slots.order(ByteOrder.nativeOrder()), spec.batchShape(to - from), spec.dataType());
  }
}
