package io.torchscore.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.unsafe.Platform;

/**
 * One input's values for a batch, in one direct buffer reused from batch to batch and handed to
 * DJL without a copy.
 */
final class InputBuffer implements ValueSink {

  private final InputSpec spec;
  private final int width;
  private final int elementBytes;
  private final ByteBuffer bytes;
  private final FloatBuffer floats;
  private final LongBuffer longs;
  private final long address;
  private int offset;
  private boolean pinned;

  InputBuffer(InputSpec spec, int batchSize) {
    this.spec = spec;
    this.width = spec.width();
    this.elementBytes = spec.int64() ? Long.BYTES : Float.BYTES;
    this.bytes =
        ByteBuffer.allocateDirect(Math.multiplyExact(Math.multiplyExact(width, batchSize), elementBytes))
            .order(ByteOrder.nativeOrder());
    this.floats = spec.int64() ? null : bytes.asFloatBuffer();
    this.longs = spec.int64() ? bytes.asLongBuffer() : null;
    this.address = Pointer.nativeValue(Native.getDirectBufferPointer(bytes));
  }

  /** Writes the row's values into batch slot {@code slot}; returns what was wrong, or null. */
  RowError write(InternalRow row, int slot, boolean rejectNaN) {
    offset = slot * width;
    RowError error = spec.reader().read(row, this);
    if (error == null && rejectNaN && floats != null) {
      for (int i = 0; i < width; i++) {
        float value = floats.get(offset + i);
        if (Float.isNaN(value) || Float.isInfinite(value)) {
          return spec.columns().size() == 1
              ? new RowError(ErrorReason.NAN, spec.columns().get(0), "has " + value + " at index " + i)
              : new RowError(ErrorReason.NAN, spec.columns().get(i), "is " + value);
        }
      }
    }
    return error;
  }

  @Override
  public void putDouble(int i, double value) {
    if (longs != null) {
      longs.put(offset + i, (long) value);
    } else {
      floats.put(offset + i, (float) value);
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
  }

  @Override
  public void putFloats(int i, Object base, long from, int count) {
    if (floats != null) {
      Platform.copyMemory(base, from, null, address + (long) (offset + i) * Float.BYTES, (long) count * Float.BYTES);
    } else {
      for (int k = 0; k < count; k++) {
        longs.put(offset + i + k, (long) Platform.getFloat(base, from + (long) k * Float.BYTES));
      }
    }
  }

  /** Page-locks the buffer for fast copies to a GPU, when CUDA is there. */
  void pin() {
    pinned = PinnedMemory.pin(bytes);
  }

  /** Releases what {@link #pin()} locked. */
  void unpin() {
    if (pinned) {
      pinned = false;
      PinnedMemory.unpin(bytes);
    }
  }

  /** Returns slots {@code [from, to)} as a tensor sharing this buffer's memory. */
  NDArray tensor(NDManager manager, int from, int to) {
    // DJL wraps a direct buffer in place (torch::from_blob): the slice's address is slot `from`.
    ByteBuffer slots = bytes.duplicate().position(from * width * elementBytes).limit(to * width * elementBytes).slice();
    return manager.create(slots.order(ByteOrder.nativeOrder()), spec.batchShape(to - from), spec.dataType());
  }
}
