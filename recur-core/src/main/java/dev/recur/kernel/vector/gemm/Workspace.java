package dev.recur.kernel.vector.gemm;

import static dev.recur.kernel.vector.gemm.Blocking.MR;
import static dev.recur.kernel.vector.gemm.Blocking.NR;

/**
 * Per-thread packing buffers, grown on demand and kept for the thread's life, so that a product
 * allocates nothing once its thread has seen a product of that size.
 */
final class Workspace {
    private static final ThreadLocal<Workspace> LOCAL = ThreadLocal.withInitial(Workspace::new);

    private float[] a = new float[0];
    private float[] b = new float[0];
    private float[] edge = new float[0];
    private float[] sweep = new float[0];
    private float[] sharedA = new float[0];
    final float[] tile = new float[Math.max(MR, Blocking.DIRECT_MR) * NR];

    private Workspace() {}

    static Workspace get() {
        return LOCAL.get();
    }

    float[] a(int size) {
        if (a.length < size) a = new float[size];
        return a;
    }

    float[] b(int size) {
        if (b.length < size) b = new float[size];
        return b;
    }

    /** Largest shared A kept between calls (16 MiB); a larger one is allocated per call. */
    static final int KEPT_SHARED_A = 1 << 22;

    /**
     * The packed copy of A that the threads of one product share (see {@code Product.sharesA}); only
     * the calling thread's workspace lends it, and only for the duration of its call. A product
     * whose A is larger takes tens of milliseconds, against which a fresh array is cheap, and
     * keeping it would hold that memory for the thread's life.
     */
    float[] sharedA(int size) {
        if (size > KEPT_SHARED_A) return new float[size];
        if (sharedA.length < size) sharedA = new float[size];
        return sharedA;
    }

    /** The accumulator rows of a {@link RowSweep}, which go to C at the end of its call. */
    float[] sweep(int size) {
        if (sweep.length < size) sweep = new float[size];
        return sweep;
    }

    float[] edge(int size) {
        if (edge.length < size) edge = new float[size];
        return edge;
    }
}
