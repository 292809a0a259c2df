package dev.recur.kernel.vector.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Register tiles: each kernel keeps a block of C in vector registers for a whole run of k and
 * updates it with one FMA per element per step, in increasing p (the order {@link dev.recur.kernel.Gemm}
 * fixes). Operands are addressed through strides so that one kernel reads packed panels and
 * unpacked matrices alike:
 * <ul>
 *   <li>A element (i, p) at {@code a[ai + i*rs + p*cs]};</li>
 *   <li>B row p of a panel at {@code b[bi + p*bs ...]}, {@link #NV} vectors wide
 *       (the double-width kernels read a second panel at {@code bi2});</li>
 *   <li>C element (i, j) at {@code c[ci + i*ldc + j]}.</li>
 * </ul>
 * The accumulators start from C according to {@code mode} ({@link #ZERO}: C is not read,
 * {@link #LOAD}: C holds the partial sum of earlier k blocks, {@link #SCALE}: {@code beta * C}).
 *
 * <p>The shapes are unrolled by hand because C2 keeps only named locals in registers: the main
 * 8×3-vector tile uses 24 of AVX-512's 32 registers for C, 3 for B and 1 for the broadcast A value
 * (measured against 12×2, 14×2, 6×4 and 4×4 on Zen 5: 8×3 and 12×2 tie, and 48 columns give fewer
 * tail tiles at B×4H widths). The narrower kernels serve row tails; the double-width ones give the
 * one- and two-row cases (batch 1..2 inference) enough independent FMA chains to hide latency.
 */
final class MicroKernels {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Vectors per panel row. */
    static final int NV = 3;
    /** Columns of a B panel. */
    static final int NR = NV * L;

    static final int ZERO = 0, LOAD = 1, SCALE = 2;

    private MicroKernels() {}

    private static FloatVector acc(float[] c, int i, int mode, float beta) {
        if (mode == ZERO) return FloatVector.zero(S);
        FloatVector v = FloatVector.fromArray(S, c, i);
        return mode == LOAD ? v : v.mul(beta);
    }

    private static FloatVector bcast(float[] a, int i) {
        return FloatVector.broadcast(S, a[i]);
    }

    private static FloatVector load(float[] b, int i) {
        return FloatVector.fromArray(S, b, i);
    }

    static void tile8x3(int kc, float[] a, int ai, int rs, int cs, float[] b, int bi, int bs,
                        float[] c, int ci, int ldc, int mode, float beta) {
        final int l2 = 2 * L;
        int r0 = ci, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc, r4 = r3 + ldc, r5 = r4 + ldc, r6 = r5 + ldc, r7 = r6 + ldc;
        FloatVector c00 = acc(c, r0, mode, beta), c01 = acc(c, r0 + L, mode, beta), c02 = acc(c, r0 + l2, mode, beta);
        FloatVector c10 = acc(c, r1, mode, beta), c11 = acc(c, r1 + L, mode, beta), c12 = acc(c, r1 + l2, mode, beta);
        FloatVector c20 = acc(c, r2, mode, beta), c21 = acc(c, r2 + L, mode, beta), c22 = acc(c, r2 + l2, mode, beta);
        FloatVector c30 = acc(c, r3, mode, beta), c31 = acc(c, r3 + L, mode, beta), c32 = acc(c, r3 + l2, mode, beta);
        FloatVector c40 = acc(c, r4, mode, beta), c41 = acc(c, r4 + L, mode, beta), c42 = acc(c, r4 + l2, mode, beta);
        FloatVector c50 = acc(c, r5, mode, beta), c51 = acc(c, r5 + L, mode, beta), c52 = acc(c, r5 + l2, mode, beta);
        FloatVector c60 = acc(c, r6, mode, beta), c61 = acc(c, r6 + L, mode, beta), c62 = acc(c, r6 + l2, mode, beta);
        FloatVector c70 = acc(c, r7, mode, beta), c71 = acc(c, r7 + L, mode, beta), c72 = acc(c, r7 + l2, mode, beta);
        int a1 = rs, a2 = 2 * rs, a3 = 3 * rs, a4 = 4 * rs, a5 = 5 * rs, a6 = 6 * rs, a7 = 7 * rs;
        for (int p = 0; p < kc; p++) {
            int ao = ai + p * cs, bo = bi + p * bs;
            FloatVector b0 = load(b, bo), b1 = load(b, bo + L), b2 = load(b, bo + l2), x;
            x = bcast(a, ao);      c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02);
            x = bcast(a, ao + a1); c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12);
            x = bcast(a, ao + a2); c20 = x.fma(b0, c20); c21 = x.fma(b1, c21); c22 = x.fma(b2, c22);
            x = bcast(a, ao + a3); c30 = x.fma(b0, c30); c31 = x.fma(b1, c31); c32 = x.fma(b2, c32);
            x = bcast(a, ao + a4); c40 = x.fma(b0, c40); c41 = x.fma(b1, c41); c42 = x.fma(b2, c42);
            x = bcast(a, ao + a5); c50 = x.fma(b0, c50); c51 = x.fma(b1, c51); c52 = x.fma(b2, c52);
            x = bcast(a, ao + a6); c60 = x.fma(b0, c60); c61 = x.fma(b1, c61); c62 = x.fma(b2, c62);
            x = bcast(a, ao + a7); c70 = x.fma(b0, c70); c71 = x.fma(b1, c71); c72 = x.fma(b2, c72);
        }
        c00.intoArray(c, r0); c01.intoArray(c, r0 + L); c02.intoArray(c, r0 + l2);
        c10.intoArray(c, r1); c11.intoArray(c, r1 + L); c12.intoArray(c, r1 + l2);
        c20.intoArray(c, r2); c21.intoArray(c, r2 + L); c22.intoArray(c, r2 + l2);
        c30.intoArray(c, r3); c31.intoArray(c, r3 + L); c32.intoArray(c, r3 + l2);
        c40.intoArray(c, r4); c41.intoArray(c, r4 + L); c42.intoArray(c, r4 + l2);
        c50.intoArray(c, r5); c51.intoArray(c, r5 + L); c52.intoArray(c, r5 + l2);
        c60.intoArray(c, r6); c61.intoArray(c, r6 + L); c62.intoArray(c, r6 + l2);
        c70.intoArray(c, r7); c71.intoArray(c, r7 + L); c72.intoArray(c, r7 + l2);
    }

    static void tile4x3(int kc, float[] a, int ai, int rs, int cs, float[] b, int bi, int bs,
                        float[] c, int ci, int ldc, int mode, float beta) {
        final int l2 = 2 * L;
        int r0 = ci, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc;
        FloatVector c00 = acc(c, r0, mode, beta), c01 = acc(c, r0 + L, mode, beta), c02 = acc(c, r0 + l2, mode, beta);
        FloatVector c10 = acc(c, r1, mode, beta), c11 = acc(c, r1 + L, mode, beta), c12 = acc(c, r1 + l2, mode, beta);
        FloatVector c20 = acc(c, r2, mode, beta), c21 = acc(c, r2 + L, mode, beta), c22 = acc(c, r2 + l2, mode, beta);
        FloatVector c30 = acc(c, r3, mode, beta), c31 = acc(c, r3 + L, mode, beta), c32 = acc(c, r3 + l2, mode, beta);
        int a1 = rs, a2 = 2 * rs, a3 = 3 * rs;
        for (int p = 0; p < kc; p++) {
            int ao = ai + p * cs, bo = bi + p * bs;
            FloatVector b0 = load(b, bo), b1 = load(b, bo + L), b2 = load(b, bo + l2), x;
            x = bcast(a, ao);      c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02);
            x = bcast(a, ao + a1); c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12);
            x = bcast(a, ao + a2); c20 = x.fma(b0, c20); c21 = x.fma(b1, c21); c22 = x.fma(b2, c22);
            x = bcast(a, ao + a3); c30 = x.fma(b0, c30); c31 = x.fma(b1, c31); c32 = x.fma(b2, c32);
        }
        c00.intoArray(c, r0); c01.intoArray(c, r0 + L); c02.intoArray(c, r0 + l2);
        c10.intoArray(c, r1); c11.intoArray(c, r1 + L); c12.intoArray(c, r1 + l2);
        c20.intoArray(c, r2); c21.intoArray(c, r2 + L); c22.intoArray(c, r2 + l2);
        c30.intoArray(c, r3); c31.intoArray(c, r3 + L); c32.intoArray(c, r3 + l2);
    }

    static void tile2x3(int kc, float[] a, int ai, int rs, int cs, float[] b, int bi, int bs,
                        float[] c, int ci, int ldc, int mode, float beta) {
        final int l2 = 2 * L;
        int r0 = ci, r1 = r0 + ldc;
        FloatVector c00 = acc(c, r0, mode, beta), c01 = acc(c, r0 + L, mode, beta), c02 = acc(c, r0 + l2, mode, beta);
        FloatVector c10 = acc(c, r1, mode, beta), c11 = acc(c, r1 + L, mode, beta), c12 = acc(c, r1 + l2, mode, beta);
        for (int p = 0; p < kc; p++) {
            int ao = ai + p * cs, bo = bi + p * bs;
            FloatVector b0 = load(b, bo), b1 = load(b, bo + L), b2 = load(b, bo + l2), x;
            x = bcast(a, ao);      c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02);
            x = bcast(a, ao + rs); c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12);
        }
        c00.intoArray(c, r0); c01.intoArray(c, r0 + L); c02.intoArray(c, r0 + l2);
        c10.intoArray(c, r1); c11.intoArray(c, r1 + L); c12.intoArray(c, r1 + l2);
    }

    static void tile1x3(int kc, float[] a, int ai, int cs, float[] b, int bi, int bs,
                        float[] c, int ci, int mode, float beta) {
        final int l2 = 2 * L;
        FloatVector c00 = acc(c, ci, mode, beta), c01 = acc(c, ci + L, mode, beta), c02 = acc(c, ci + l2, mode, beta);
        for (int p = 0; p < kc; p++) {
            int bo = bi + p * bs;
            FloatVector x = bcast(a, ai + p * cs);
            c00 = x.fma(load(b, bo), c00); c01 = x.fma(load(b, bo + L), c01); c02 = x.fma(load(b, bo + l2), c02);
        }
        c00.intoArray(c, ci); c01.intoArray(c, ci + L); c02.intoArray(c, ci + l2);
    }

    /** Two rows against two panels (at {@code bi} and {@code bi2}) into 2 × 2·NR columns of C. */
    static void tile2x6(int kc, float[] a, int ai, int rs, int cs, float[] b, int bi, int bi2, int bs,
                        float[] c, int ci, int ldc, int mode, float beta) {
        final int l2 = 2 * L, l3 = 3 * L, l4 = 4 * L, l5 = 5 * L;
        int r0 = ci, r1 = r0 + ldc;
        FloatVector c00 = acc(c, r0, mode, beta), c01 = acc(c, r0 + L, mode, beta), c02 = acc(c, r0 + l2, mode, beta);
        FloatVector c03 = acc(c, r0 + l3, mode, beta), c04 = acc(c, r0 + l4, mode, beta), c05 = acc(c, r0 + l5, mode, beta);
        FloatVector c10 = acc(c, r1, mode, beta), c11 = acc(c, r1 + L, mode, beta), c12 = acc(c, r1 + l2, mode, beta);
        FloatVector c13 = acc(c, r1 + l3, mode, beta), c14 = acc(c, r1 + l4, mode, beta), c15 = acc(c, r1 + l5, mode, beta);
        for (int p = 0; p < kc; p++) {
            int ao = ai + p * cs, bo = bi + p * bs, bo2 = bi2 + p * bs;
            FloatVector b0 = load(b, bo), b1 = load(b, bo + L), b2 = load(b, bo + l2);
            FloatVector b3 = load(b, bo2), b4 = load(b, bo2 + L), b5 = load(b, bo2 + l2);
            FloatVector x = bcast(a, ao);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02);
            c03 = x.fma(b3, c03); c04 = x.fma(b4, c04); c05 = x.fma(b5, c05);
            x = bcast(a, ao + rs);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12);
            c13 = x.fma(b3, c13); c14 = x.fma(b4, c14); c15 = x.fma(b5, c15);
        }
        c00.intoArray(c, r0); c01.intoArray(c, r0 + L); c02.intoArray(c, r0 + l2);
        c03.intoArray(c, r0 + l3); c04.intoArray(c, r0 + l4); c05.intoArray(c, r0 + l5);
        c10.intoArray(c, r1); c11.intoArray(c, r1 + L); c12.intoArray(c, r1 + l2);
        c13.intoArray(c, r1 + l3); c14.intoArray(c, r1 + l4); c15.intoArray(c, r1 + l5);
    }

    /** One row against two panels (at {@code bi} and {@code bi2}) into 2·NR columns of C. */
    static void tile1x6(int kc, float[] a, int ai, int cs, float[] b, int bi, int bi2, int bs,
                        float[] c, int ci, int mode, float beta) {
        final int l2 = 2 * L, l3 = 3 * L, l4 = 4 * L, l5 = 5 * L;
        FloatVector c00 = acc(c, ci, mode, beta), c01 = acc(c, ci + L, mode, beta), c02 = acc(c, ci + l2, mode, beta);
        FloatVector c03 = acc(c, ci + l3, mode, beta), c04 = acc(c, ci + l4, mode, beta), c05 = acc(c, ci + l5, mode, beta);
        for (int p = 0; p < kc; p++) {
            int bo = bi + p * bs, bo2 = bi2 + p * bs;
            FloatVector x = bcast(a, ai + p * cs);
            c00 = x.fma(load(b, bo), c00); c01 = x.fma(load(b, bo + L), c01); c02 = x.fma(load(b, bo + l2), c02);
            c03 = x.fma(load(b, bo2), c03); c04 = x.fma(load(b, bo2 + L), c04); c05 = x.fma(load(b, bo2 + l2), c05);
        }
        c00.intoArray(c, ci); c01.intoArray(c, ci + L); c02.intoArray(c, ci + l2);
        c03.intoArray(c, ci + l3); c04.intoArray(c, ci + l4); c05.intoArray(c, ci + l5);
    }
}
