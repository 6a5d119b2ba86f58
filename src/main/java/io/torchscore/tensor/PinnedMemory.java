package io.torchscore.tensor;

import com.sun.jna.Function;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Page-locks (pins) a direct buffer with CUDA's {@code cudaHostRegister}, so that the copy of a
 * batch to the GPU reads it by DMA, as PyTorch's {@code pin_memory=True} does: DJL 0.36 has no
 * pinned allocation of its own. The CUDA runtime is the one libtorch already loaded (found in
 * {@code /proc/self/maps}), else {@code libcudart} on the library path. Without CUDA nothing is
 * pinned and copies read pageable memory, as before.
 */
final class PinnedMemory {

  private static final Logger LOG = LoggerFactory.getLogger(PinnedMemory.class);

  private static Optional<NativeLibrary> cudart;

  private PinnedMemory() {}

  /** Pins the buffer's memory; returns whether it was pinned. */
  static boolean pin(ByteBuffer buffer) {
    Optional<NativeLibrary> library = cudart();
    if (library.isEmpty() || buffer.capacity() == 0) {
      return false;
    }
    Function register = library.get().getFunction("cudaHostRegister");
    int status = register.invokeInt(new Object[] {Native.getDirectBufferPointer(buffer), (long) buffer.capacity(), 0});
    if (status != 0) {
      LOG.info("Batch buffers stay pageable: cudaHostRegister returned CUDA error {}", status);
      return false;
    }
    return true;
  }

  /** Unpins a buffer {@link #pin} pinned; call before the buffer is dropped. */
  static void unpin(ByteBuffer buffer) {
    Pointer address = Native.getDirectBufferPointer(buffer);
    cudart().ifPresent(library -> library.getFunction("cudaHostUnregister").invokeInt(new Object[] {address}));
  }

  private static synchronized Optional<NativeLibrary> cudart() {
    if (cudart == null) {
      cudart = find();
    }
    return cudart;
  }

  private static Optional<NativeLibrary> find() {
    try {
      Optional<String> loaded =
          Files.readAllLines(Path.of("/proc/self/maps")).stream()
              .map(line -> line.substring(line.lastIndexOf(' ') + 1))
              .filter(path -> path.contains("/libcudart"))
              .findFirst();
      return Optional.of(NativeLibrary.getInstance(loaded.orElse("cudart")));
    } catch (IOException | UnsatisfiedLinkError e) {
      LOG.info("Batch buffers stay pageable: no CUDA runtime found ({})", e.getMessage());
      return Optional.empty();
    }
  }
}
