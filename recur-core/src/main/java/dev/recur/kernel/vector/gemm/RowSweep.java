package dev.recur.kernel.vector.gemm;

import dev.recur.kernel.Gemm;
import jdk.incubator.vector.FloatVector;

import static dev.recur.kernel.vector.gemm.MicroKernels.L;
import static dev.recur.kernel.vector.gemm.MicroKernels.S;
import static jdk.incubator.vector.FloatVector.broadcast;
import static jdk.incubator.vector.FloatVector.fromArray;

/**
 * One or two rows of C against an unpacked row-major B (batch-1 or -2 inference on a weight that
 * was not packed): the rows of C stay in L1 (in a private buffer, below) and B is read row after row, front to back, four rows of
 * B per pass over C. Each B element is used once or twice, so the product runs as fast as B
 * streams in, and whole rows are the pattern prefetchers follow best; a register tile's narrow
 * slab of kc rows, a power-of-two row stride apart, streamed at half the speed (measured with a
 * 256×1024 B on Zen 5: 29 against 50 GFLOP/s per core). Each element still accumulates in
 * increasing p, so the bits are those of every other path.
 *
 * <p>The sums build up in a private copy of the rows' columns {@code [j0, j1)} (the thread's
 * {@link Workspace#sweep}), not in C itself: threads that split C by columns would otherwise both
 * write the cache line where their shares meet, once per pass over B (k / 4 passes), and that
 * line's trips between the cores cost more than the split saved (2×256×1024 on two threads, Zen 4:
 * 2.4x faster this way, 1×256×1024 1.2x; A/B in one JVM). C is read and written once per call instead.
 *
 * <p>The column loops run from 0 to a multiple of the vector length (C2 turns exactly that form
 * into an unrolled loop without bounds checks); the last columns are done by a scalar loop.
 */
final class RowSweep {
    private RowSweep() {}

    /**
     * {@code C[0:rows, j0:j1] = alpha · A[0:rows, 0:k] · B[0:k, j0:j1] + beta · C} for {@code rows} of 1 or 2;
     * A element (i, p) at {@code a[ai + i*rs + p*cs]}, B row p at {@code b[bOff + p*ldb]}.
     */
    static void run(int rows, int k, float alpha, float[] a, int ai, int rs, int cs, float[] b, int bOff, int ldb,
                    float[] c, int ci, int ldc, int j0, int j1, float beta, Workspace ws) {
        int w = j1 - j0, st = accStride(w);
        float[] acc = ws.sweep(rows * st);
        for (int i = 0; i < rows; i++) {
            if (beta != 0f) System.arraycopy(c, ci + i * ldc + j0, acc, i * st, w);
            Gemm.scaleRow(acc, i * st, w, beta);
        }
        int nv = S.loopBound(w);
        if (rows == 2) {
            sweep2(k, alpha, a, ai, rs, cs, b, bOff + j0, ldb, acc, 0, st, nv);
        } else {
            sweep1(k, alpha, a, ai, cs, b, bOff + j0, ldb, acc, 0, nv);
        }
        for (int i = 0; i < rows; i++) {
            for (int p = 0; p < k; p++) {
                float s = alpha * a[ai + i * rs + p * cs];
                int row = bOff + j0 + p * ldb, out = i * st;
                for (int j = nv; j < w; j++) acc[out + j] = Math.fma(s, b[row + j], acc[out + j]);
            }
        }
        for (int i = 0; i < rows; i++) System.arraycopy(acc, i * st, c, ci + i * ldc + j0, w);
    }

    /**
     * Row stride of the accumulator rows: {@code w} rounded up to 16 floats plus 16, so that the two
     * rows of a 2-row sweep do not sit a multiple of 4 KiB apart (the same L1 sets as each other
     * and as B's rows when n = 1024).
     */
    private static int accStride(int w) {
        return (w + 15) / 16 * 16 + 16;
    }

    /** One row of C over its first {@code nv} columns (a multiple of L), B's rows from {@code b[bo]}. */
    private static void sweep1(int k, float alpha, float[] a, int ai, int cs, float[] b, int bo, int ldb,
                               float[] c, int co, int nv) {
        int p = 0;
        for (; p + 4 <= k; p += 4) {
            int ap = ai + p * cs;
            FloatVector x0 = broadcast(S, alpha * a[ap]), x1 = broadcast(S, alpha * a[ap + cs]);
            FloatVector x2 = broadcast(S, alpha * a[ap + 2 * cs]), x3 = broadcast(S, alpha * a[ap + 3 * cs]);
            int r0 = bo + p * ldb, r1 = r0 + ldb, r2 = r1 + ldb, r3 = r2 + ldb;
            for (int j = 0; j < nv; j += L) {
                FloatVector v = fromArray(S, c, co + j);
                v = x0.fma(fromArray(S, b, r0 + j), v);
                v = x1.fma(fromArray(S, b, r1 + j), v);
                v = x2.fma(fromArray(S, b, r2 + j), v);
                x3.fma(fromArray(S, b, r3 + j), v).intoArray(c, co + j);
            }
        }
        for (; p < k; p++) {
            FloatVector x = broadcast(S, alpha * a[ai + p * cs]);
            int r0 = bo + p * ldb;
            for (int j = 0; j < nv; j += L) x.fma(fromArray(S, b, r0 + j), fromArray(S, c, co + j)).intoArray(c, co + j);
        }
    }

    /** Two rows of C (each B vector feeds both) over their first {@code nv} columns. */
    private static void sweep2(int k, float alpha, float[] a, int ai, int rs, int cs, float[] b, int bo, int ldb,
                               float[] c, int co, int ldc, int nv) {
        int p = 0, cq = co + ldc;
        for (; p + 4 <= k; p += 4) {
            int ap = ai + p * cs, aq = ap + rs;
            FloatVector x0 = broadcast(S, alpha * a[ap]), x1 = broadcast(S, alpha * a[ap + cs]);
            FloatVector x2 = broadcast(S, alpha * a[ap + 2 * cs]), x3 = broadcast(S, alpha * a[ap + 3 * cs]);
            FloatVector y0 = broadcast(S, alpha * a[aq]), y1 = broadcast(S, alpha * a[aq + cs]);
            FloatVector y2 = broadcast(S, alpha * a[aq + 2 * cs]), y3 = broadcast(S, alpha * a[aq + 3 * cs]);
            int r0 = bo + p * ldb, r1 = r0 + ldb, r2 = r1 + ldb, r3 = r2 + ldb;
            for (int j = 0; j < nv; j += L) {
                FloatVector b0 = fromArray(S, b, r0 + j), b1 = fromArray(S, b, r1 + j);
                FloatVector b2 = fromArray(S, b, r2 + j), b3 = fromArray(S, b, r3 + j);
                x3.fma(b3, x2.fma(b2, x1.fma(b1, x0.fma(b0, fromArray(S, c, co + j))))).intoArray(c, co + j);
                y3.fma(b3, y2.fma(b2, y1.fma(b1, y0.fma(b0, fromArray(S, c, cq + j))))).intoArray(c, cq + j);
            }
        }
        for (; p < k; p++) {
            int ap = ai + p * cs, r0 = bo + p * ldb;
            FloatVector x = broadcast(S, alpha * a[ap]), y = broadcast(S, alpha * a[ap + rs]);
            for (int j = 0; j < nv; j += L) {
                FloatVector b0 = fromArray(S, b, r0 + j);
                x.fma(b0, fromArray(S, c, co + j)).intoArray(c, co + j);
                y.fma(b0, fromArray(S, c, cq + j)).intoArray(c, cq + j);
            }
        }
    }
}
