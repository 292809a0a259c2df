package dev.recur.linear;

import dev.recur.kernel.Backends;
import dev.recur.kernel.Parallel;

import java.util.Arrays;

/**
 * The dense building blocks of the linear-attention kernels on the active backend: row-major
 * GEMMs, bulk exponentials, dot products and axpy. Chunk products are small (chunk × head dim), so the wrappers skip empty products
 * instead of handing zero sizes to the kernel.
 */
final class Blas {
    private Blas() {}

    /**
     * Whether the chunk-sized products take {@link SmallGemm} (the Vector API is in use); the scalar
     * backend keeps its own GEMM throughout.
     */
    private static final boolean PACKED_ONLY = Boolean.getBoolean("recur.linear.packedGemm");

    /**
     * {@code C = alpha op(A) op(B) + beta C} (row-major, leading dimensions as in BLAS); chunk-sized
     * products on the vector backend go to {@link SmallGemm}.
     */
    static void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        if (m == 0 || n == 0) return;
        if (k == 0) {
            if (beta == 0f) {
                for (int i = 0; i < m; i++) Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
            } else if (beta != 1f) {
                for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) c[cOff + i * ldc + j] *= beta;
            }
            return;
        }
        if (!PACKED_ONLY && SmallGemm.suits(m, n, k) && "vector".equals(Backends.active().name())) {
            SmallGemm.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        Backends.active().gemm().sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /** {@code x[off, off+n) = exp(x[off, off+n))} in place. */
    static void expInPlace(float[] x, int off, int n) {
        if (n > 0) Backends.active().activations().exp(x, off, x, off, n);
    }

    /** {@code a · b} over n elements on the active backend (C2 does not vectorise float reductions). */
    static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        return Backends.active().reductions().dot(a, aOff, b, bOff, n);
    }

    /** {@code y[yOff..] += alpha * x[xOff..]} over n elements, on the active backend. */
    static void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        Backends.active().reductions().axpy(alpha, x, xOff, y, yOff, n);
    }

    static void scale(float alpha, float[] x, int off, int n) {
        if (n > 0) Backends.active().reductions().scale(alpha, x, off, x, off, n);
    }

    /** {@code y[yOff..] = alpha * x[xOff..]} over n elements. */
    static void scaleTo(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        if (n > 0) Backends.active().reductions().scale(alpha, x, xOff, y, yOff, n);
    }

    /**
     * {@code y[yOff..] = a[aOff..] − b[bOff..]} over n elements (copy, then axpy with −1: the same
     * rounding as the subtraction). The elementwise helpers here run on the backend's kernels:
     * C2 leaves a loop over offsets into arrays that might be one object scalar.
     */
    static void sub(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n) {
        System.arraycopy(a, aOff, y, yOff, n);
        axpy(-1f, b, bOff, y, yOff, n);
    }

    /** {@code y[yOff..] = a[aOff..] * b[bOff..]}; y may be a or b at the same offset. */
    static void mul(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n) {
        if (n > 0) Backends.active().reductions().mul(a, aOff, b, bOff, y, yOff, n);
    }

    /** {@code y[yOff..] += a[aOff..] * b[bOff..]}. */
    static void mulAdd(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n) {
        if (n > 0) Backends.active().reductions().mulAdd(a, aOff, b, bOff, y, yOff, n);
    }

    /**
     * Runs {@code task} over {@code [0, n)} in blocks of {@code grain} items on the compute pool. The
     * blocks depend only on n and the grain, never on the thread count, so per-block partial sums
     * combined in block order give the same bits on any number of threads. Why: the elementwise
     * parts of the layers (gates, norms, feature maps) ran on the calling thread alone and left the
     * second core idle for a fifth of a forward + backward.
     */
    static void forBlocks(int n, int grain, Parallel.RangeTask task) {
        int blocks = (n + grain - 1) / grain;
        Parallel.forEachChunk(blocks, (i, unused) -> task.run(i * grain, Math.min(n, (i + 1) * grain)));
    }

    /** The number of blocks {@link #forBlocks} splits {@code n} items into. */
    static int blocks(int n, int grain) {
        return (n + grain - 1) / grain;
    }
}
