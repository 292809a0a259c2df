package dev.recur.kernel.vector.gemm;

import static dev.recur.kernel.vector.gemm.Blocking.MC;
import static dev.recur.kernel.vector.gemm.Blocking.NC;
import static dev.recur.kernel.vector.gemm.Blocking.NR;

/**
 * The operands of one product {@code C = alpha · op(A) · op(B) + beta · C} and the blocked loops
 * that compute any rectangle of C: columns in blocks of NC, k in runs of {@link Blocking#kc},
 * rows in blocks of MC, then {@link MacroKernel}. Every rectangle is computed the same way whatever
 * its neighbours, so any split of C over threads gives the same bits.
 *
 * <p>Operand sources, cheapest first: A is read in place when it is row-major and alpha is 1
 * (the kernels take its row stride), otherwise packed with alpha folded in; with AVX2 it is packed
 * whenever B is and A has more than one row block ({@link Blocking#PACK_A_FOR_PACKED_B}), once
 * for all threads ({@link #sharesA}). B is the caller's pre-packed panels when given; read in place when it is row-major and the product has few rows
 * (packing would cost as much as the product), by {@link RowSweep} for one or two rows; packed a
 * few panels at a time into L2, or panel by panel by one of the row tiles, when the rows fit one row
 * block ({@link #streamed}); otherwise packed
 * block by block (a kc × NC block reused by every row block).
 */
record Product(boolean transA, boolean transB, int m, int n, int k, float alpha,
               float[] a, int aOff, int lda, float[] b, int bOff, int ldb, PackedPanels packed,
               float beta, float[] c, int cOff, int ldc) {

    /**
     * Up to this many rows, an unpacked row-major B is read in place. With more, the row tiles
     * reuse each panel, and read in place a panel is kc rows a row stride apart: when that stride
     * is a multiple of 4 KiB (n = 1024, 2048...) all of them fall into the same few L1 sets, so every
     * row tile fetched it again from L3. Measured on Zen 3 (32 KiB L1, AVX2): in place wins at 8 rows,
     * one packed panel at a time ({@link #streamed}) from 16 rows on (32×256×1024: about 1.4x).
     * Zen 5's 48 KiB L1 with 16-lane panels was measured the other way, in place up to 64 rows.
     */
    static final int DIRECT_B_MAX_ROWS = MicroKernels.L >= 16 ? 64 : 8;

    /**
     * With 16-lane vectors, B is read in place only up to this many elements (4 MiB). Zen 4 (32 KiB
     * L1d, 1 MiB L2 per core), one JVM per configuration, median of 12 samples: in place was
     * 1.04-1.18x faster than packed up to 4 MiB (32×256×1024, 32×1024×1024, 32×512×2048,
     * 8×256×4096), packed 1.04-1.65x faster from 8 MiB (32×1024×2048, 32×2048×1024, 16×2048×2048,
     * 8×1024×4096, 32×1024×4096), where a panel read in place comes from L3 a row at a time.
     * With AVX2 (at most 8 rows in place) this was not measured, and there is no limit.
     */
    static final long DIRECT_B_MAX_ELEMENTS = 1L << 20;

    /** Up to this many rows, an unpacked row-major B is streamed by {@link RowSweep}. */
    static final int SWEEP_MAX_ROWS = 2;

    private boolean sweep() {
        return packed == null && !transB && m <= SWEEP_MAX_ROWS;
    }

    private boolean directA() {
        return !transA && alpha == 1f && !(Blocking.PACK_A_FOR_PACKED_B && !directB() && m > MC);
    }

    private boolean directB() {
        return packed == null && !transB && m <= DIRECT_B_MAX_ROWS
                && (MicroKernels.L < 16 || (long) k * n <= DIRECT_B_MAX_ELEMENTS);
    }

    /**
     * Whether threads that split C by columns should pack A once, together, rather than each chunk
     * packing all of it again ({@link #packSharedA}): only where A is packed at all and has more
     * rows than one block (a batch of 32 packs 32 rows per chunk, which costs nothing). On two
     * threads with 8 column chunks, packing per chunk cost 1024^3 and 512^3 about 10 % (Zen 3).
     */
    boolean sharesA() {
        return !sweep() && !directA() && m > MC && (long) paddedRows() * k <= Integer.MAX_VALUE - 8;
    }

    /** Rows of A rounded up to a whole number of MR-row micro-panels. */
    int paddedRows() {
        return (m + Blocking.MR - 1) / Blocking.MR * Blocking.MR;
    }

    /**
     * Packs rows {@code [r0, r1)} of op(A) (r0 a multiple of MR) into {@code dst}, for every k run:
     * run {@code pc} starts at {@code paddedRows() * pc}, its rows as {@link Packing#packA} lays them out.
     */
    void packSharedA(float[] dst, int r0, int r1) {
        int kc = Blocking.kc(k);
        for (int pc = 0; pc < k; pc += kc) {
            int kcb = Math.min(kc, k - pc);
            Packing.packA(transA, a, aOff, lda, r0, r1 - r0, pc, kcb, alpha, dst, paddedRows() * pc + r0 * kcb);
        }
    }

    /** The A block of rows {@code [ic, ic+mc)} (ic a multiple of MR) and k run {@code [pc, pc+kcb)}. */
    private ABlock aBlock(float[] sharedA, int ic, int mc, int pc, int kcb, Workspace ws) {
        if (directA()) return Packing.directA(a, aOff, lda, ic, pc);
        if (sharedA != null) return new ABlock(sharedA, paddedRows() * pc + ic * kcb, 1, Blocking.MR, Blocking.MR * kcb, true);
        return Packing.packA(transA, a, aOff, lda, ic, mc, pc, kcb, alpha, ws.a(Blocking.MC * kcb));
    }

    /** Computes rows {@code [i0, i1)} and columns {@code [j0, j1)} of C; {@code j0} is a multiple of NR. */
    void compute(int i0, int i1, int j0, int j1, Workspace ws) {
        compute(i0, i1, j0, j1, ws, null);
    }

    /** {@link #compute}, with A taken from a copy packed by {@link #packSharedA} when {@code sharedA} is not null. */
    void compute(int i0, int i1, int j0, int j1, Workspace ws, float[] sharedA) {
        if (sweep()) {
            int ai = transA ? aOff + i0 : aOff + i0 * lda, rs = transA ? 1 : lda, cs = transA ? lda : 1;
            RowSweep.run(i1 - i0, k, alpha, a, ai, rs, cs, b, bOff, ldb, c, cOff + i0 * ldc, ldc, j0, j1, beta, ws);
            return;
        }
        int kc = Blocking.kc(k);
        int firstMode = beta == 0f ? MicroKernels.ZERO : beta == 1f ? MicroKernels.LOAD : MicroKernels.SCALE;
        if (packed == null && !directB() && i1 - i0 <= MC) {
            streamed(i0, i1, j0, j1, kc, firstMode, ws, sharedA);
            return;
        }
        int ncMax = packed != null || directB() ? j1 - j0 : NC;
        for (int jc = j0; jc < j1; jc += ncMax) {
            int nc = Math.min(ncMax, j1 - jc);
            for (int pc = 0; pc < k; pc += kc) {
                int kcb = Math.min(kc, k - pc);
                int mode = pc == 0 ? firstMode : MicroKernels.LOAD;
                Panels bp = panels(jc, nc, pc, kcb, ws);
                for (int ic = i0; ic < i1; ic += MC) {
                    int mc = Math.min(MC, i1 - ic);
                    ABlock ab = aBlock(sharedA, ic, mc, pc, kcb, ws);
                    MacroKernel.run(mc, nc, kcb, ab, bp, c, cOff + ic * ldc + jc, ldc, mode, beta, ws.tile);
                }
            }
        }
    }

    /**
     * Rows that fit one row block: B is packed a few panels at a time ({@link Blocking#STREAM_PANELS},
     * about 100 KiB at kc = 256: in L2, and each panel pulled into L1 by its first row tile) and
     * every row tile meets those panels there. B goes through memory once, instead of being written
     * out as a whole kc × NC block (beyond L2) and read back. Where {@link #packsAsItGoes}, a
     * row tile packs each panel as it computes ({@link MacroKernel#runPacking}).
     */
    private void streamed(int i0, int i1, int j0, int j1, int kc, int firstMode, Workspace ws, float[] sharedA) {
        int mc = i1 - i0, step = Blocking.STREAM_PANELS * NR;
        float[] buf = ws.b(kc * step);
        for (int pc = 0; pc < k; pc += kc) {
            int kcb = Math.min(kc, k - pc);
            int mode = pc == 0 ? firstMode : MicroKernels.LOAD;
            // with B packed by a row tile, A goes into 3-row micro-panels even where it could be read
            // in place, so that the full tiles run tile3x3Packed (no bounds checks)
            ABlock ab = packsAsItGoes() && directA()
                    ? Packing.packA(false, a, aOff, lda, i0, mc, pc, kcb, 1f, ws.a(Blocking.MC * kcb))
                    : aBlock(sharedA, i0, mc, pc, kcb, ws);
            if (packsAsItGoes()) {
                MacroKernel.runPacking(mc, j1 - j0, kcb, ab, b, bOff + pc * ldb + j0, ldb, buf, ws.edge(kcb * NR),
                        c, cOff + i0 * ldc + j0, ldc, mode, beta, ws.tile);
                continue;
            }
            for (int jc = j0; jc < j1; jc += step) {
                int w = Math.min(step, j1 - jc);
                Packing.packB(transB, b, bOff, ldb, pc, kcb, jc, w, buf, 0);
                Panels bp = new Panels(buf, 0, NR, kcb * NR, buf, (w / NR) * kcb * NR);
                MacroKernel.run(mc, w, kcb, ab, bp, c, cOff + i0 * ldc + jc, ldc, mode, beta, ws.tile);
            }
        }
    }

    /**
     * Up to this many elements of B, a block of one row block packs B panel by panel in one of its
     * row tiles ({@link MacroKernel#runPacking}) instead of strip by strip ahead of the tiles.
     * Measured on Zen 3 (one thread, two builds interleaved in one JVM, CPU time), against strips:
     * 1.12x at 32×256×1024, 1.13x at 16×256×1024, 1.14x at 64×256×1024. The limit comes from the
     * first version (the packing tile over unpacked A in 4-row tiles): 1.04-1.19x for B of 0.25-3 MiB,
     * but at 4 MiB and more mostly slower (32×1024×1024 0.87-0.98x, 32×1000×1000 0.93x,
     * 32×1024×4096 0.88x; 32×512×2048 1.05x). Our reading, not measured: a B that no longer stays
     * cached between calls comes from memory, where 96 bytes per row (a panel) cost more than a
     * strip's 384.
     */
    static final long PACKING_TILE_MAX_B = 1L << 19;

    /** Whether {@link #streamed} packs B in a row tile (AVX2: 3-row tiles over packed A): a row-major B within {@link #PACKING_TILE_MAX_B}. */
    private boolean packsAsItGoes() {
        return !transB && Blocking.MR == 3 && (long) k * n <= PACKING_TILE_MAX_B;
    }

    /** Columns {@code [jc, jc+nc)} and k run {@code [pc, pc+kc)} of op(B) as panels. */
    private Panels panels(int jc, int nc, int pc, int kc, Workspace ws) {
        int full = nc / NR;
        if (packed != null) {
            int stride = packed.panelStride(), base = (jc / NR) * stride + pc * NR;
            return new Panels(packed.data(), base, NR, stride, packed.data(), base + full * stride);
        }
        if (directB()) {
            float[] edge = null;
            if (full * NR < nc) {
                edge = ws.edge(kc * NR);
                Packing.packB(false, b, bOff, ldb, pc, kc, jc + full * NR, nc - full * NR, edge, 0);
            }
            return new Panels(b, bOff + pc * ldb + jc, ldb, NR, edge, 0);
        }
        float[] buf = ws.b(kc * Blocking.panels(nc) * NR);
        Packing.packB(transB, b, bOff, ldb, pc, kc, jc, nc, buf, 0);
        return new Panels(buf, 0, NR, kc * NR, buf, full * kc * NR);
    }
}
