package dev.recur.kernel.vector.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import static jdk.incubator.vector.FloatVector.broadcast;
import static jdk.incubator.vector.FloatVector.fromArray;

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
 * {@link #LOAD}: C holds the partial sum of earlier k runs, {@link #SCALE}: {@code beta * C}).
 *
 * <p>The shapes are unrolled by hand because C2 keeps only named locals in registers: the main
 * 8×3-vector tile uses 24 of AVX-512's 32 registers for C, 3 for B and 1 for the broadcast A value
 * (measured against 12×2, 14×2, 6×4 and 4×4 on Zen 5: 8×3 and 12×2 tie at about 240 GFLOP/s per
 * core, and 48 columns leave fewer partial tiles at B×4H widths). The narrower kernels serve row
 * tails; the double-width ones give one- and two-row tiles (batch 1..2 inference) enough
 * independent FMA chains to hide the FMA latency.
 *
 * <p>Every Vector API call is written out in the kernel body, with no helper method between:
 * C2 inlines small non-forced helpers only while the compilation's inlining budget lasts, and a
 * kernel's Vector API calls exhaust it; a vector returned by a helper that was not inlined is a
 * heap object, and then every FMA of the loop allocates (measured: 200 GFLOP/s became 5).
 * For the same reason the starting values are formed without a branch per vector.
 */
final class MicroKernels {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Vectors per panel row. */
    static final int NV = 3;
    /** Columns of a B panel. */
    static final int NR = NV * L;

    static final int ZERO = 0, LOAD = 1, SCALE = 2;

    /**
     * Read instead of C in ZERO mode, so that C is not touched when it must not be read: each kernel
     * picks the array, an index mask (0 sends every read here) and a scale (beta, or exactly 1) once,
     * rather than branching per vector (C2 boxes a vector that comes out of a branch merge).
     */
    private static final float[] ZEROS = new float[2 * NR];

    private MicroKernels() {}

    static void tile8x3(int kc, float[] a, int ai, int rs, int cs, float[] b, int bi, int bs,
                        float[] c, int ci, int ldc, int mode, float beta) {
        final int l2 = 2 * L;
        int r0 = ci, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc, r4 = r3 + ldc, r5 = r4 + ldc, r6 = r5 + ldc, r7 = r6 + ldc;
        // Branch-free starting values (see ZEROS): q_i is row i's offset in C, or 0 into ZEROS.
        float[] src = mode == ZERO ? ZEROS : c;
        int keep = mode == ZERO ? 0 : -1;
        float s = mode == SCALE ? beta : 1f;
        int q0 = r0 & keep, q1 = r1 & keep, q2 = r2 & keep, q3 = r3 & keep, q4 = r4 & keep, q5 = r5 & keep, q6 = r6 & keep, q7 = r7 & keep;
        FloatVector c00 = fromArray(S, src, q0).mul(s), c01 = fromArray(S, src, q0 + L).mul(s), c02 = fromArray(S, src, q0 + l2).mul(s);
        FloatVector c10 = fromArray(S, src, q1).mul(s), c11 = fromArray(S, src, q1 + L).mul(s), c12 = fromArray(S, src, q1 + l2).mul(s);
        FloatVector c20 = fromArray(S, src, q2).mul(s), c21 = fromArray(S, src, q2 + L).mul(s), c22 = fromArray(S, src, q2 + l2).mul(s);
        FloatVector c30 = fromArray(S, src, q3).mul(s), c31 = fromArray(S, src, q3 + L).mul(s), c32 = fromArray(S, src, q3 + l2).mul(s);
        FloatVector c40 = fromArray(S, src, q4).mul(s), c41 = fromArray(S, src, q4 + L).mul(s), c42 = fromArray(S, src, q4 + l2).mul(s);
        FloatVector c50 = fromArray(S, src, q5).mul(s), c51 = fromArray(S, src, q5 + L).mul(s), c52 = fromArray(S, src, q5 + l2).mul(s);
        FloatVector c60 = fromArray(S, src, q6).mul(s), c61 = fromArray(S, src, q6 + L).mul(s), c62 = fromArray(S, src, q6 + l2).mul(s);
        FloatVector c70 = fromArray(S, src, q7).mul(s), c71 = fromArray(S, src, q7 + L).mul(s), c72 = fromArray(S, src, q7 + l2).mul(s);
        int a1 = rs, a2 = 2 * rs, a3 = 3 * rs, a4 = 4 * rs, a5 = 5 * rs, a6 = 6 * rs, a7 = 7 * rs;
        for (int p = 0; p < kc; p++) {
            int ao = ai + p * cs, bo = bi + p * bs;
            FloatVector b0 = fromArray(S, b, bo), b1 = fromArray(S, b, bo + L), b2 = fromArray(S, b, bo + l2);
            FloatVector x;
            x = broadcast(S, a[ao]);      c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02);
            x = broadcast(S, a[ao + a1]); c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12);
            x = broadcast(S, a[ao + a2]); c20 = x.fma(b0, c20); c21 = x.fma(b1, c21); c22 = x.fma(b2, c22);
            x = broadcast(S, a[ao + a3]); c30 = x.fma(b0, c30); c31 = x.fma(b1, c31); c32 = x.fma(b2, c32);
            x = broadcast(S, a[ao + a4]); c40 = x.fma(b0, c40); c41 = x.fma(b1, c41); c42 = x.fma(b2, c42);
            x = broadcast(S, a[ao + a5]); c50 = x.fma(b0, c50); c51 = x.fma(b1, c51); c52 = x.fma(b2, c52);
            x = broadcast(S, a[ao + a6]); c60 = x.fma(b0, c60); c61 = x.fma(b1, c61); c62 = x.fma(b2, c62);
            x = broadcast(S, a[ao + a7]); c70 = x.fma(b0, c70); c71 = x.fma(b1, c71); c72 = x.fma(b2, c72);
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

    /**
     * The AVX2 main tile on packed operands: A in 3-row micro-panels (element (i, p) at
     * {@code a[ai + 3p + i]}) and B in NR-wide panels (row p at {@code b[bi + p*NR]}). With the
     * strides compile-time constants every index is linear in p with a constant scale, so C2 drops
     * the bounds checks from the loop (range-check elimination), where a strided tile pays a
     * compare and branch per load and recomputes its offsets with multiplies from the stack. Three
     * rows because C2 hoists the broadcasts ahead of the FMAs: 9 accumulators, 3 B vectors and 3
     * broadcasts fit AVX2's 16 registers, while 4 rows (or 6 × 2 vectors) with constant strides
     * spilled an accumulator to the stack every step (40 GFLOP/s per core on Zen 3). Measured in
     * one JVM: up to 95 GFLOP/s per core against 84 for the strided 4-row tile.
     */
    static void tile3x3Packed(int kc, float[] a, int ai, float[] b, int bi,
                              float[] c, int ci, int ldc, int mode, float beta) {
        final int l2 = 2 * L;
        int r0 = ci, r1 = r0 + ldc, r2 = r1 + ldc;
        float[] src = mode == ZERO ? ZEROS : c;
        int keep = mode == ZERO ? 0 : -1;
        float s = mode == SCALE ? beta : 1f;
        int q0 = r0 & keep, q1 = r1 & keep, q2 = r2 & keep;
        FloatVector c00 = fromArray(S, src, q0).mul(s), c01 = fromArray(S, src, q0 + L).mul(s), c02 = fromArray(S, src, q0 + l2).mul(s);
        FloatVector c10 = fromArray(S, src, q1).mul(s), c11 = fromArray(S, src, q1 + L).mul(s), c12 = fromArray(S, src, q1 + l2).mul(s);
        FloatVector c20 = fromArray(S, src, q2).mul(s), c21 = fromArray(S, src, q2 + L).mul(s), c22 = fromArray(S, src, q2 + l2).mul(s);
        for (int p = 0; p < kc; p++) {
            int ao = ai + p * 3, bo = bi + p * NR;
            FloatVector b0 = fromArray(S, b, bo), b1 = fromArray(S, b, bo + L), b2 = fromArray(S, b, bo + l2);
            FloatVector x;
            x = broadcast(S, a[ao]);     c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02);
            x = broadcast(S, a[ao + 1]); c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12);
            x = broadcast(S, a[ao + 2]); c20 = x.fma(b0, c20); c21 = x.fma(b1, c21); c22 = x.fma(b2, c22);
        }
        c00.intoArray(c, r0); c01.intoArray(c, r0 + L); c02.intoArray(c, r0 + l2);
        c10.intoArray(c, r1); c11.intoArray(c, r1 + L); c12.intoArray(c, r1 + l2);
        c20.intoArray(c, r2); c21.intoArray(c, r2 + L); c22.intoArray(c, r2 + l2);
    }

    /**
     * {@link #tile3x3Packed} over an unpacked B (row p at {@code b[bi + p*bs]}) that also writes each
     * row of the panel it reads into {@code dst} (row p at {@code dst[di + p*NR]}): one row tile of
     * a block packs the panel that its other tiles then read from L1 ({@code
     * MacroKernel.runPacking}). B's rows come from L3 a row stride apart either way; here the loads
     * overlap the tile's FMAs instead of running as a copy loop before them.
     */
    static void tile3x3PackedPacking(int kc, float[] a, int ai, float[] b, int bi, int bs, float[] dst, int di,
                                     float[] c, int ci, int ldc, int mode, float beta) {
        final int l2 = 2 * L;
        int r0 = ci, r1 = r0 + ldc, r2 = r1 + ldc;
        float[] src = mode == ZERO ? ZEROS : c;
        int keep = mode == ZERO ? 0 : -1;
        float s = mode == SCALE ? beta : 1f;
        int q0 = r0 & keep, q1 = r1 & keep, q2 = r2 & keep;
        FloatVector c00 = fromArray(S, src, q0).mul(s), c01 = fromArray(S, src, q0 + L).mul(s), c02 = fromArray(S, src, q0 + l2).mul(s);
        FloatVector c10 = fromArray(S, src, q1).mul(s), c11 = fromArray(S, src, q1 + L).mul(s), c12 = fromArray(S, src, q1 + l2).mul(s);
        FloatVector c20 = fromArray(S, src, q2).mul(s), c21 = fromArray(S, src, q2 + L).mul(s), c22 = fromArray(S, src, q2 + l2).mul(s);
        for (int p = 0; p < kc; p++) {
            int ao = ai + p * 3, bo = bi + p * bs, d = di + p * NR;
            FloatVector b0 = fromArray(S, b, bo), b1 = fromArray(S, b, bo + L), b2 = fromArray(S, b, bo + l2);
            b0.intoArray(dst, d); b1.intoArray(dst, d + L); b2.intoArray(dst, d + l2);
            FloatVector x;
            x = broadcast(S, a[ao]);     c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02);
            x = broadcast(S, a[ao + 1]); c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12);
            x = broadcast(S, a[ao + 2]); c20 = x.fma(b0, c20); c21 = x.fma(b1, c21); c22 = x.fma(b2, c22);
        }
        c00.intoArray(c, r0); c01.intoArray(c, r0 + L); c02.intoArray(c, r0 + l2);
        c10.intoArray(c, r1); c11.intoArray(c, r1 + L); c12.intoArray(c, r1 + l2);
        c20.intoArray(c, r2); c21.intoArray(c, r2 + L); c22.intoArray(c, r2 + l2);
    }

    static void tile4x3(int kc, float[] a, int ai, int rs, int cs, float[] b, int bi, int bs,
                        float[] c, int ci, int ldc, int mode, float beta) {
        final int l2 = 2 * L;
        int r0 = ci, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc;
        // Branch-free starting values (see ZEROS): q_i is row i's offset in C, or 0 into ZEROS.
        float[] src = mode == ZERO ? ZEROS : c;
        int keep = mode == ZERO ? 0 : -1;
        float s = mode == SCALE ? beta : 1f;
        int q0 = r0 & keep, q1 = r1 & keep, q2 = r2 & keep, q3 = r3 & keep;
        FloatVector c00 = fromArray(S, src, q0).mul(s), c01 = fromArray(S, src, q0 + L).mul(s), c02 = fromArray(S, src, q0 + l2).mul(s);
        FloatVector c10 = fromArray(S, src, q1).mul(s), c11 = fromArray(S, src, q1 + L).mul(s), c12 = fromArray(S, src, q1 + l2).mul(s);
        FloatVector c20 = fromArray(S, src, q2).mul(s), c21 = fromArray(S, src, q2 + L).mul(s), c22 = fromArray(S, src, q2 + l2).mul(s);
        FloatVector c30 = fromArray(S, src, q3).mul(s), c31 = fromArray(S, src, q3 + L).mul(s), c32 = fromArray(S, src, q3 + l2).mul(s);
        int a1 = rs, a2 = 2 * rs, a3 = 3 * rs;
        for (int p = 0; p < kc; p++) {
            int ao = ai + p * cs, bo = bi + p * bs;
            FloatVector b0 = fromArray(S, b, bo), b1 = fromArray(S, b, bo + L), b2 = fromArray(S, b, bo + l2);
            FloatVector x;
            x = broadcast(S, a[ao]);      c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02);
            x = broadcast(S, a[ao + a1]); c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12);
            x = broadcast(S, a[ao + a2]); c20 = x.fma(b0, c20); c21 = x.fma(b1, c21); c22 = x.fma(b2, c22);
            x = broadcast(S, a[ao + a3]); c30 = x.fma(b0, c30); c31 = x.fma(b1, c31); c32 = x.fma(b2, c32);
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
        // Branch-free starting values (see ZEROS): q_i is row i's offset in C, or 0 into ZEROS.
        float[] src = mode == ZERO ? ZEROS : c;
        int keep = mode == ZERO ? 0 : -1;
        float s = mode == SCALE ? beta : 1f;
        int q0 = r0 & keep, q1 = r1 & keep;
        FloatVector c00 = fromArray(S, src, q0).mul(s), c01 = fromArray(S, src, q0 + L).mul(s), c02 = fromArray(S, src, q0 + l2).mul(s);
        FloatVector c10 = fromArray(S, src, q1).mul(s), c11 = fromArray(S, src, q1 + L).mul(s), c12 = fromArray(S, src, q1 + l2).mul(s);
        int a1 = rs;
        for (int p = 0; p < kc; p++) {
            int ao = ai + p * cs, bo = bi + p * bs;
            FloatVector b0 = fromArray(S, b, bo), b1 = fromArray(S, b, bo + L), b2 = fromArray(S, b, bo + l2);
            FloatVector x;
            x = broadcast(S, a[ao]);      c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02);
            x = broadcast(S, a[ao + a1]); c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12);
        }
        c00.intoArray(c, r0); c01.intoArray(c, r0 + L); c02.intoArray(c, r0 + l2);
        c10.intoArray(c, r1); c11.intoArray(c, r1 + L); c12.intoArray(c, r1 + l2);
    }

    static void tile1x3(int kc, float[] a, int ai, int cs, float[] b, int bi, int bs,
                        float[] c, int ci, int mode, float beta) {
        final int l2 = 2 * L;
        int r0 = ci;
        // Branch-free starting values (see ZEROS): q_i is row i's offset in C, or 0 into ZEROS.
        float[] src = mode == ZERO ? ZEROS : c;
        int keep = mode == ZERO ? 0 : -1;
        float s = mode == SCALE ? beta : 1f;
        int q0 = r0 & keep;
        FloatVector c00 = fromArray(S, src, q0).mul(s), c01 = fromArray(S, src, q0 + L).mul(s), c02 = fromArray(S, src, q0 + l2).mul(s);
        for (int p = 0; p < kc; p++) {
            int ao = ai + p * cs, bo = bi + p * bs;
            FloatVector b0 = fromArray(S, b, bo), b1 = fromArray(S, b, bo + L), b2 = fromArray(S, b, bo + l2);
            FloatVector x;
            x = broadcast(S, a[ao]);      c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02);
        }
        c00.intoArray(c, r0); c01.intoArray(c, r0 + L); c02.intoArray(c, r0 + l2);
    }

    /**
     * The rows of a packed 3-row micro-panel ({@code a[ai + 3p + i]}) short of a full tile, over an
     * unpacked B, writing the panel into {@code dst} as {@link #tile3x3PackedPacking}: the packing
     * tile of a block whose rows leave two over. A's stride is a constant, as in
     * {@link #tile3x3Packed}, so that C2 drops its bounds checks: with the strides as parameters
     * (as {@link #tile2x3}) C2's loop kept them and recomputed its offsets with multiplies from the
     * stack (read from its code; the speed difference was within this host's noise).
     */
    static void tile2x3PackedPacking(int kc, float[] a, int ai, float[] b, int bi, int bs, float[] dst, int di,
                                     float[] c, int ci, int ldc, int mode, float beta) {
        final int l2 = 2 * L;
        int r0 = ci, r1 = r0 + ldc;
        float[] src = mode == ZERO ? ZEROS : c;
        int keep = mode == ZERO ? 0 : -1;
        float s = mode == SCALE ? beta : 1f;
        int q0 = r0 & keep, q1 = r1 & keep;
        FloatVector c00 = fromArray(S, src, q0).mul(s), c01 = fromArray(S, src, q0 + L).mul(s), c02 = fromArray(S, src, q0 + l2).mul(s);
        FloatVector c10 = fromArray(S, src, q1).mul(s), c11 = fromArray(S, src, q1 + L).mul(s), c12 = fromArray(S, src, q1 + l2).mul(s);
        for (int p = 0; p < kc; p++) {
            int ao = ai + p * 3, bo = bi + p * bs, d = di + p * NR;
            FloatVector b0 = fromArray(S, b, bo), b1 = fromArray(S, b, bo + L), b2 = fromArray(S, b, bo + l2);
            b0.intoArray(dst, d); b1.intoArray(dst, d + L); b2.intoArray(dst, d + l2);
            FloatVector x;
            x = broadcast(S, a[ao]);     c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02);
            x = broadcast(S, a[ao + 1]); c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12);
        }
        c00.intoArray(c, r0); c01.intoArray(c, r0 + L); c02.intoArray(c, r0 + l2);
        c10.intoArray(c, r1); c11.intoArray(c, r1 + L); c12.intoArray(c, r1 + l2);
    }

    /** {@link #tile2x3PackedPacking} for one row: the packing tile when one row is left over. */
    static void tile1x3PackedPacking(int kc, float[] a, int ai, float[] b, int bi, int bs, float[] dst, int di,
                                     float[] c, int ci, int mode, float beta) {
        final int l2 = 2 * L;
        int r0 = ci;
        float[] src = mode == ZERO ? ZEROS : c;
        int keep = mode == ZERO ? 0 : -1;
        float s = mode == SCALE ? beta : 1f;
        int q0 = r0 & keep;
        FloatVector c00 = fromArray(S, src, q0).mul(s), c01 = fromArray(S, src, q0 + L).mul(s), c02 = fromArray(S, src, q0 + l2).mul(s);
        for (int p = 0; p < kc; p++) {
            int bo = bi + p * bs, d = di + p * NR;
            FloatVector b0 = fromArray(S, b, bo), b1 = fromArray(S, b, bo + L), b2 = fromArray(S, b, bo + l2);
            b0.intoArray(dst, d); b1.intoArray(dst, d + L); b2.intoArray(dst, d + l2);
            FloatVector x = broadcast(S, a[ai + p * 3]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02);
        }
        c00.intoArray(c, r0); c01.intoArray(c, r0 + L); c02.intoArray(c, r0 + l2);
    }

    /** Two rows against two panels (at {@code bi} and {@code bi2}) into 2 × 2·NR columns of C. */
    static void tile2x6(int kc, float[] a, int ai, int rs, int cs, float[] b, int bi, int bi2, int bs,
                        float[] c, int ci, int ldc, int mode, float beta) {
        final int l2 = 2 * L, l3 = 3 * L, l4 = 4 * L, l5 = 5 * L;
        int r0 = ci, r1 = r0 + ldc;
        // Branch-free starting values (see ZEROS): q_i is row i's offset in C, or 0 into ZEROS.
        float[] src = mode == ZERO ? ZEROS : c;
        int keep = mode == ZERO ? 0 : -1;
        float s = mode == SCALE ? beta : 1f;
        int q0 = r0 & keep, q1 = r1 & keep;
        FloatVector c00 = fromArray(S, src, q0).mul(s), c01 = fromArray(S, src, q0 + L).mul(s), c02 = fromArray(S, src, q0 + l2).mul(s);
        FloatVector c03 = fromArray(S, src, q0 + l3).mul(s), c04 = fromArray(S, src, q0 + l4).mul(s), c05 = fromArray(S, src, q0 + l5).mul(s);
        FloatVector c10 = fromArray(S, src, q1).mul(s), c11 = fromArray(S, src, q1 + L).mul(s), c12 = fromArray(S, src, q1 + l2).mul(s);
        FloatVector c13 = fromArray(S, src, q1 + l3).mul(s), c14 = fromArray(S, src, q1 + l4).mul(s), c15 = fromArray(S, src, q1 + l5).mul(s);
        int a1 = rs;
        for (int p = 0; p < kc; p++) {
            int ao = ai + p * cs, bo = bi + p * bs, bo2 = bi2 + p * bs;
            FloatVector b0 = fromArray(S, b, bo), b1 = fromArray(S, b, bo + L), b2 = fromArray(S, b, bo + l2);
            FloatVector b3 = fromArray(S, b, bo2), b4 = fromArray(S, b, bo2 + L), b5 = fromArray(S, b, bo2 + l2);
            FloatVector x;
            x = broadcast(S, a[ao]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02);
            c03 = x.fma(b3, c03); c04 = x.fma(b4, c04); c05 = x.fma(b5, c05);
            x = broadcast(S, a[ao + a1]);
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
        int r0 = ci;
        // Branch-free starting values (see ZEROS): q_i is row i's offset in C, or 0 into ZEROS.
        float[] src = mode == ZERO ? ZEROS : c;
        int keep = mode == ZERO ? 0 : -1;
        float s = mode == SCALE ? beta : 1f;
        int q0 = r0 & keep;
        FloatVector c00 = fromArray(S, src, q0).mul(s), c01 = fromArray(S, src, q0 + L).mul(s), c02 = fromArray(S, src, q0 + l2).mul(s);
        FloatVector c03 = fromArray(S, src, q0 + l3).mul(s), c04 = fromArray(S, src, q0 + l4).mul(s), c05 = fromArray(S, src, q0 + l5).mul(s);
        for (int p = 0; p < kc; p++) {
            int ao = ai + p * cs, bo = bi + p * bs, bo2 = bi2 + p * bs;
            FloatVector b0 = fromArray(S, b, bo), b1 = fromArray(S, b, bo + L), b2 = fromArray(S, b, bo + l2);
            FloatVector b3 = fromArray(S, b, bo2), b4 = fromArray(S, b, bo2 + L), b5 = fromArray(S, b, bo2 + l2);
            FloatVector x;
            x = broadcast(S, a[ao]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02);
            c03 = x.fma(b3, c03); c04 = x.fma(b4, c04); c05 = x.fma(b5, c05);
        }
        c00.intoArray(c, r0); c01.intoArray(c, r0 + L); c02.intoArray(c, r0 + l2);
        c03.intoArray(c, r0 + l3); c04.intoArray(c, r0 + l4); c05.intoArray(c, r0 + l5);
    }
}
