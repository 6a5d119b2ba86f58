package io.torchscore.sparkinternal;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.torchscore.tensor.ValueSink;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/** A row's floats in native memory, as a batch's buffer keeps them, and the runs it was asked to check. */
final class NativeFloatSink implements ValueSink {

  final FloatBuffer floats;
  final List<List<Integer>> checked = new ArrayList<>();
  private final ByteBuffer bytes;

  NativeFloatSink(int width) {
    bytes = ByteBuffer.allocateDirect(width * Float.BYTES).order(ByteOrder.nativeOrder());
    floats = bytes.asFloatBuffer();
  }

  @Override
  public void putFloat(int i, float value) {
    floats.put(i, value);
  }

  @Override
  public void putDouble(int i, double value) {
    floats.put(i, (float) value);
  }

  @Override
  public void putLong(int i, long value) {
    floats.put(i, value);
  }

  @Override
  public void putFloats(int i, float[] values) {
    floats.put(i, values);
  }

  @Override
  public long floatsAddress(int i) {
    return Pointer.nativeValue(Native.getDirectBufferPointer(bytes)) + (long) i * Float.BYTES;
  }

  @Override
  public void wroteFloats(int i, int count) {
    checked.add(List.of(i, count));
  }
}
