package dev.recur.kernel.vector.gemm;

import jdk.incubator.vector.FloatVector;

import java.util.Arrays;

import static dev.recur.kernel.vector.gemm.Blocking.MR;
import static dev.recur.kernel.vector.gemm.Blocking.NR;
import static dev.recur.kernel.vector.gemm.MicroKernels.L;
import static dev.recur.kernel.vector.gemm.MicroKernels.S;

/** Copies operand blocks into the layouts the kernels stream through ({@link ABlock}, {@link Panels}). */
final class Packing {
    /** Panels of a row-major B packed together, row by row ({@link #packRows}). */
    static final int STRIP_PANELS = 4;

    private Packing() {}

    /**
     * Packs rows {@code [i0, i0+rows)} and columns {@code [p0, p0+kc)} of op(A), times {@code alpha},
     * into MR-row micro-panels: element (i, p) at {@code dst[(i / MR) * MR * kc + p * MR + i % MR]}.
     * The product {@code alpha * a} is the one the scalar twin forms, so the bits agree.
     */
    static ABlock packA(boolean transA, float[] a, int aOff, int lda, int i0, int rows, int p0, int kc,
                        float alpha, float[] dst) {
        return packA(transA, a, aOff, lda, i0, rows, p0, kc, alpha, dst, 0);
    }

    /** {@link #packA} into {@code dst} from {@code off}. */
    static ABlock packA(boolean transA, float[] a, int aOff, int lda, int i0, int rows, int p0, int kc,
                        float alpha, float[] dst, int off) {
        for (int q = 0; q * MR < rows; q++) {
            int r = Math.min(MR, rows - q * MR), panel = off + q * MR * kc, row0 = i0 + q * MR;
            if (transA) {
                for (int p = 0; p < kc; p++) {
                    int src = aOff + (p0 + p) * lda + row0, d = panel + p * MR;
                    for (int i = 0; i < r; i++) dst[d + i] = alpha * a[src + i];
                }
            } else {
                for (int i = 0; i < r; i++) {
                    int src = aOff + (row0 + i) * lda + p0, d = panel + i;
                    for (int p = 0; p < kc; p++) dst[d + p * MR] = alpha * a[src + p];
                }
            }
        }
        return new ABlock(dst, off, 1, MR, MR * kc, true);
    }

    /** The unpacked view of rows {@code [i0, ..)}, columns {@code [p0, ..)} of a row-major A (alpha must be 1). */
    static ABlock directA(float[] a, int aOff, int lda, int i0, int p0) {
        return new ABlock(a, aOff + i0 * lda + p0, lda, 1, MR * lda, false);
    }

    /**
     * Packs rows {@code [p0, p0+kc)} and columns {@code [j0, j0+cols)} of op(B) into NR-wide panels:
     * row p of panel t at {@code dst[off + t * kc * NR + p * NR]}, the last panel zero-padded.
     */
    static void packB(boolean transB, float[] b, int bOff, int ldb, int p0, int kc, int j0, int cols,
                      float[] dst, int off) {
        if (!transB) {
            packRows(b, bOff, ldb, p0, kc, j0, cols, dst, off);
            return;
        }
        for (int t = 0; t * NR < cols; t++) {
            int w = Math.min(NR, cols - t * NR), panel = off + t * kc * NR, col0 = j0 + t * NR;
            packTransposedPanel(b, bOff + col0 * ldb + p0, ldb, kc, w, dst, panel);
        }
    }

    /**
     * A row-major B, in strips of {@link #STRIP_PANELS} panels, each strip row by row: a row of the
     * strip is read front to back (a few hundred contiguous bytes, where panel by panel would read
     * 96 bytes per row and page when the row stride is large), while only a few destination panels
     * are written at once (panels kc × NR apart, a multiple of 4 KiB at kc = 256, share L1 sets:
     * writing all of a block's panels row by row would evict their lines before they are full).
     */
    private static void packRows(float[] b, int bOff, int ldb, int p0, int kc, int j0, int cols, float[] dst, int off) {
        int full = cols / NR, w = cols - full * NR;
        for (int t0 = 0; t0 < full; t0 += STRIP_PANELS) {
            int t1 = Math.min(full, t0 + STRIP_PANELS);
            for (int p = 0; p < kc; p++) {
                int src = bOff + (p0 + p) * ldb + j0, d = off + p * NR;
                for (int t = t0; t < t1; t++) {
                    int s = src + t * NR, q = d + t * kc * NR;
                    for (int v = 0; v < NR; v += L) FloatVector.fromArray(S, b, s + v).intoArray(dst, q + v);
                }
            }
        }
        if (w > 0) {
            for (int p = 0; p < kc; p++) {
                int q = off + full * kc * NR + p * NR;
                System.arraycopy(b, bOff + (p0 + p) * ldb + j0 + full * NR, dst, q, w);
                Arrays.fill(dst, q + w, q + NR, 0f);
            }
        }
    }

    /**
     * One panel of a transposed B: {@code dst[panel + p*NR + j] = b[src + j*ldb + p]} for the panel's
     * {@code w} columns (zeros beyond). Whole 16×16 blocks go through {@link Transpose16}; the rest,
     * and every block on machines without 16-lane vectors, is copied element by element.
     */
    private static void packTransposedPanel(float[] b, int src, int ldb, int kc, int w, float[] dst, int panel) {
        if (w < NR) Arrays.fill(dst, panel, panel + kc * NR, 0f);
        int jBlocks = Transpose16.AVAILABLE ? w & ~15 : 0, pBlocks = Transpose16.AVAILABLE ? kc & ~15 : 0;
        for (int jb = 0; jb < jBlocks; jb += 16) {
            for (int pb = 0; pb < pBlocks; pb += 16) {
                Transpose16.block(b, src + jb * ldb + pb, ldb, dst, panel + pb * NR + jb, NR);
            }
        }
        for (int j = 0; j < w; j++) {
            int from = src + j * ldb, d = panel + j;
            for (int p = j < jBlocks ? pBlocks : 0; p < kc; p++) dst[d + p * NR] = b[from + p];
        }
    }
}
