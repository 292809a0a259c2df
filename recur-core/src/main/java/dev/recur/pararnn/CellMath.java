package dev.recur.pararnn;

import dev.recur.kernel.Activations;
import dev.recur.kernel.Backends;

/**
 * Shared pieces of the built-in cells: per-thread scratch rows, and the activations as whole-row
 * passes on the active backend (the Vector API kernels when present), so that a cell step is a few
 * vectorised passes over a batch row rather than a scalar transcendental per element.
 */
final class CellMath {
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[0]);

    private CellMath() {}

    /** A scratch array of at least {@code n} floats, owned by the calling thread (cells may run concurrently). */
    static float[] scratch(int n) {
        float[] s = SCRATCH.get();
        if (s.length < n) {
            s = new float[n];
            SCRATCH.set(s);
        }
        return s;
    }

    static Activations act() {
        return Backends.active().activations();
    }
}
