package dev.recur.pararnn;

import dev.recur.kernel.Backends;

/**
 * The two inner loops of a block-diagonal linear scan, over a range of lanes of one time step.
 *
 * <p>Layout (component-major, so that every component is a contiguous run of lanes and the loops
 * vectorise across batch x units): a state slab is {@code x[off + i*M + m]} for component
 * {@code i < k} and lane {@code m < M}; a Jacobian slab is {@code J[off + (i*k + j)*M + m]}, the
 * entry (i, j) of lane m's k x k block. With {@code transpose} the block is read as its transpose
 * (the adjoint scan).
 *
 * <p>Both twins add in the same order without fused multiply-adds ({@code ((J0 s0 + J1 s1) + J2 s2)
 * + r}), so the scalar and vector kernels give the same bits; they are tested for it.
 */
interface ScanKernel {
    /**
     * {@code dst = A src + r} per lane, A the lane's block (or its transpose); {@code src == null}
     * means a zero state ({@code dst = r}). {@code dst} may be {@code src} or {@code r}: each lane's
     * inputs are read before it is written.
     */
    void affine(int k, int M, int m0, int m1, float[] J, int jOff, boolean transpose,
                float[] src, int sOff, float[] r, int rOff, float[] dst, int dOff);

    /** {@code P = A P} per lane, in place: P is a k x k block slab laid out like J. */
    void compose(int k, int M, int m0, int m1, float[] J, int jOff, boolean transpose, float[] P, int pOff);

    String name();

    /** The vector kernel when the active backend is the vector one, the scalar twin otherwise. */
    static ScanKernel active() {
        return "vector".equals(Backends.active().name()) ? VectorHolder.INSTANCE : ScalarScanKernel.INSTANCE;
    }

    /** Loaded only when asked for, so that the scalar path never touches Vector API classes. */
    final class VectorHolder {
        static final ScanKernel INSTANCE = new VectorScanKernel();

        private VectorHolder() {}
    }
}
