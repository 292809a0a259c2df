package dev.recur.linear;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * A GEMM for the chunk-sized products of the chunkwise kernels (every dimension at most a few
 * hundred: chunk x head width), without packing. The general vector GEMM packs both operands into
 * panels on every call, which at 64 x 64 x 64 costs a fifth of the product (JFR: packing was 16-25 %
 * of the chunkwise cores). Here the rows of op(B) are read in place (a transposed B is first
 * copied into a small scratch, k x n), each element of op(A) is broadcast, and a block of 4 rows x 2
 * vectors of C is accumulated in registers over k with fused multiply-adds. The arithmetic depends
 * only on the shapes, never on the thread count, so results repeat bit for bit.
 */
final class SmallGemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** The largest operand (in floats) that goes this way; bigger products go to the backend's GEMM. */
    static final int MAX_ELEMENTS = 64 * 1024;
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[4096]);

    private SmallGemm() {}

    /** Whether a product of these sizes goes here. */
    static boolean suits(int m, int n, int k) {
        return (long) m * k <= MAX_ELEMENTS && (long) k * n <= MAX_ELEMENTS && (long) m * n <= MAX_ELEMENTS;
    }

    /** {@code C = alpha op(A) op(B) + beta C}, row-major with leading dimensions; m, n, k >= 1. */
    static void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        float[] bb = b;
        int bo = bOff, lb = ldb;
        if (transB) { // op(B) = B^T: rows of B^T are columns of B; copy them out once (k x n)
            float[] t = SCRATCH.get();
            if (t.length < k * n) {
                t = new float[k * n];
                SCRATCH.set(t);
            }
            transpose(b, bOff, ldb, n, k, t);
            bb = t;
            bo = 0;
            lb = n;
        }
        // A's element (i, p): row-major at i*lda + p, or transposed at p*lda + i.
        int sa = transA ? 1 : lda, sp = transA ? lda : 1;
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            int j = 0;
            for (; j + 2 * L <= n; j += 2 * L) block4x2(a, aOff, sa, sp, i, bb, bo, lb, j, k, alpha, beta, c, cOff, ldc);
            for (; j < n; j += L) {
                for (int r = i; r < i + 4; r++) row(a, aOff, sa, sp, r, bb, bo, lb, j, Math.min(L, n - j), k, alpha, beta, c, cOff, ldc);
            }
        }
        for (; i < m; i++) {
            for (int j = 0; j < n; j += L) row(a, aOff, sa, sp, i, bb, bo, lb, j, Math.min(L, n - j), k, alpha, beta, c, cOff, ldc);
        }
    }

    /**
     * {@code t (k × n) = bᵀ} for b (n × k, row stride ldb). Four rows of b at a time, so that each
     * step stores four adjacent floats of t, where one row at a time stores one float per cache line
     * (measured about 1.5 ns per element).
     */
    static void transpose(float[] b, int bOff, int ldb, int n, int k, float[] t) {
        int j = 0;
        for (; j + 4 <= n; j += 4) {
            int s0 = bOff + j * ldb, s1 = s0 + ldb, s2 = s1 + ldb, s3 = s2 + ldb;
            for (int p = 0, o = j; p < k; p++, o += n) {
                t[o] = b[s0 + p];
                t[o + 1] = b[s1 + p];
                t[o + 2] = b[s2 + p];
                t[o + 3] = b[s3 + p];
            }
        }
        for (; j < n; j++) {
            int src = bOff + j * ldb;
            for (int p = 0; p < k; p++) t[p * n + j] = b[src + p];
        }
    }

    /**
     * Rows i..i+3, columns j..j+2L of C. One method per layout of A, each with running indices and
     * A's four elements at fixed offsets from one index (unit steps in p for a row-major A; adjacent
     * in a transposed one), so that C2 can hoist or merge their bounds checks: one loop over both
     * layouts, with A's index {@code p * sp} for a variable step, ran at 56-60 GFLOP/s at 64 x 64 x 64
     * where these run at 74-76 (one Zen 3 core, AVX2; both loops in one method lost the gain).
     */
    private static void block4x2(float[] a, int aOff, int sa, int sp, int i, float[] b, int bOff, int ldb, int j, int k,
                                 float alpha, float beta, float[] c, int cOff, int ldc) {
        if (sp == 1) {
            block4x2Rows(a, aOff + i * sa, sa, b, bOff + j, ldb, k, alpha, beta, c, cOff + i * ldc + j, ldc);
        } else { // transposed A: sa == 1
            block4x2Cols(a, aOff + i, sp, b, bOff + j, ldb, k, alpha, beta, c, cOff + i * ldc + j, ldc);
        }
    }

    /** A row-major: rows a0, a0 + lda, ... read in order. */
    private static void block4x2Rows(float[] a, int a0, int lda, float[] b, int bp, int ldb, int k,
                                     float alpha, float beta, float[] c, int r, int ldc) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        int a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
        for (int p = 0; p < k; p++, bp += ldb) {
            FloatVector b0 = FloatVector.fromArray(S, b, bp), b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[a1 + p]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[a2 + p]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[a3 + p]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
        }
        store4x2(c00, c01, c10, c11, c20, c21, c30, c31, alpha, beta, c, r, ldc);
    }

    /** A transposed: the four elements of step p are adjacent, at {@code ap}, and steps lda apart. */
    private static void block4x2Cols(float[] a, int ap, int lda, float[] b, int bp, int ldb, int k,
                                     float alpha, float beta, float[] c, int r, int ldc) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        for (int p = 0; p < k; p++, bp += ldb, ap += lda) {
            FloatVector b0 = FloatVector.fromArray(S, b, bp), b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector x = FloatVector.broadcast(S, a[ap]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[ap + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[ap + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[ap + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
        }
        store4x2(c00, c01, c10, c11, c20, c21, c30, c31, alpha, beta, c, r, ldc);
    }

    private static void store4x2(FloatVector c00, FloatVector c01, FloatVector c10, FloatVector c11, FloatVector c20,
                                 FloatVector c21, FloatVector c30, FloatVector c31, float alpha, float beta,
                                 float[] c, int r, int ldc) {
        store(c00, alpha, beta, c, r);
        store(c01, alpha, beta, c, r + L);
        r += ldc;
        store(c10, alpha, beta, c, r);
        store(c11, alpha, beta, c, r + L);
        r += ldc;
        store(c20, alpha, beta, c, r);
        store(c21, alpha, beta, c, r + L);
        r += ldc;
        store(c30, alpha, beta, c, r);
        store(c31, alpha, beta, c, r + L);
    }

    /** Row i, columns j..j+w of C (w <= L, masked when shorter). */
    private static void row(float[] a, int aOff, int sa, int sp, int i, float[] b, int bOff, int ldb, int j, int w, int k,
                            float alpha, float beta, float[] c, int cOff, int ldc) {
        VectorMask<Float> m = S.indexInRange(0, w);
        FloatVector acc = FloatVector.zero(S);
        int ai = aOff + i * sa;
        for (int p = 0; p < k; p++) {
            FloatVector bv = FloatVector.fromArray(S, b, bOff + p * ldb + j, m);
            acc = FloatVector.broadcast(S, a[ai + p * sp]).fma(bv, acc);
        }
        int o = cOff + i * ldc + j;
        FloatVector out = acc.mul(alpha);
        if (beta != 0f) out = FloatVector.fromArray(S, c, o, m).mul(beta).add(out);
        out.intoArray(c, o, m);
    }

    /** C = alpha acc + beta C for one full vector; with beta 0, C is not read (it may hold anything). */
    private static void store(FloatVector acc, float alpha, float beta, float[] c, int o) {
        FloatVector out = acc.mul(alpha);
        if (beta != 0f) out = FloatVector.fromArray(S, c, o).mul(beta).add(out);
        out.intoArray(c, o);
    }
}
