package dev.recur.bench.gemm;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * OpenBLAS's {@code cblas_sgemm}, called in this JVM through the foreign-function API, so that a
 * benchmark can alternate Recur and OpenBLAS every few hundred milliseconds in one process (the
 * library NumPy uses: Debian's libopenblas0-pthread). Operands live off the heap, 64-byte aligned
 * (OpenBLAS's own preference); the call itself costs tens of nanoseconds, against the 20 µs of the
 * smallest product benchmarked.
 */
final class OpenBlas implements AutoCloseable {
    /** Debian's pthreads build, the one {@code libopenblas0-pthread} installs. */
    static final Path DEFAULT_LIBRARY = Path.of("/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0");

    private static final int ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112;
    private final Arena arena = Arena.ofShared();
    private final MethodHandle sgemm, sgemv, setThreads, config;

    OpenBlas(Path library) {
        if (!Files.isReadable(library)) {
            throw new IllegalArgumentException("OpenBLAS not found at " + library
                    + " (apt-get install libopenblas0-pthread, or pass --lib PATH)");
        }
        Linker linker = Linker.nativeLinker();
        SymbolLookup lib = SymbolLookup.libraryLookup(library, arena);
        ValueLayout.OfInt i = ValueLayout.JAVA_INT;
        ValueLayout.OfFloat f = ValueLayout.JAVA_FLOAT;
        sgemm = linker.downcallHandle(lib.findOrThrow("cblas_sgemm"), FunctionDescriptor.ofVoid(
                i, i, i, i, i, i, f, ValueLayout.ADDRESS, i, ValueLayout.ADDRESS, i, f, ValueLayout.ADDRESS, i));
        sgemv = linker.downcallHandle(lib.findOrThrow("cblas_sgemv"), FunctionDescriptor.ofVoid(
                i, i, i, i, f, ValueLayout.ADDRESS, i, ValueLayout.ADDRESS, i, f, ValueLayout.ADDRESS, i));
        setThreads = linker.downcallHandle(lib.findOrThrow("openblas_set_num_threads"), FunctionDescriptor.ofVoid(i));
        config = linker.downcallHandle(lib.findOrThrow("openblas_get_config"), FunctionDescriptor.of(ValueLayout.ADDRESS));
    }

    /** A 64-byte-aligned off-heap copy of {@code data}, alive until {@link #close}. */
    MemorySegment copy(float[] data) {
        MemorySegment s = arena.allocate((long) data.length * Float.BYTES, 64);
        MemorySegment.copy(data, 0, s, ValueLayout.JAVA_FLOAT, 0, data.length);
        return s;
    }

    /** {@code C = A · B}, row-major, no transposes (C's previous contents are not read). */
    void sgemm(int m, int n, int k, MemorySegment a, MemorySegment b, MemorySegment c) {
        try {
            sgemm.invokeExact(ROW_MAJOR, NO_TRANS, NO_TRANS, m, n, k, 1f, a, k, b, n, 0f, c, n);
        } catch (Throwable t) {
            throw new IllegalStateException("cblas_sgemm failed", t);
        }
    }

    /**
     * {@code c (1 × n) = a (1 × k) · B (k × n)} as {@code cblas_sgemv} ({@code c = Bᵀ a}): the call
     * NumPy's matmul makes for a one-row product (OpenBLAS's sgemm with m = 1 ran at a fifth of
     * its speed here: 6 GFLOP/s at 1×256×1024 against NumPy's 22-28).
     */
    void sgemv(int n, int k, MemorySegment a, MemorySegment b, MemorySegment c) {
        try {
            sgemv.invokeExact(ROW_MAJOR, TRANS, k, n, 1f, b, n, a, 1, 0f, c, 1);
        } catch (Throwable t) {
            throw new IllegalStateException("cblas_sgemv failed", t);
        }
    }

    void setThreads(int threads) {
        try {
            setThreads.invokeExact(threads);
        } catch (Throwable t) {
            throw new IllegalStateException("openblas_set_num_threads failed", t);
        }
    }

    /** The build's description, e.g. "OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64". */
    String config() {
        try {
            return ((MemorySegment) config.invokeExact()).reinterpret(256).getString(0);
        } catch (Throwable t) {
            throw new IllegalStateException("openblas_get_config failed", t);
        }
    }

    @Override
    public void close() {
        arena.close();
    }
}
