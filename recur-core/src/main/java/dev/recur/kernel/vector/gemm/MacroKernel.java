package dev.recur.kernel.vector.gemm;

import static dev.recur.kernel.vector.gemm.Blocking.NR;

/**
 * One block: {@code C[0:mc, 0:nc] (+)= A[0:mc, 0:kc] · B[0:kc, 0:nc]}, walked panel by panel
 * (each kc × NR panel of B is reused by every full row tile while it is in L1; a tile has
 * {@link ABlock#tileHeight} rows). The rows left over come last, in tiles of 4, 2 and 1 rows,
 * with full panels taken in pairs so that one- and two-row tiles use the double-width kernels. The partial last panel is computed into a
 * scratch tile and copied into C, since a kernel always writes NR columns.
 */
final class MacroKernel {
    private MacroKernel() {}

    static void run(int mc, int nc, int kc, ABlock a, Panels b, float[] c, int ci, int ldc,
                    int mode, float beta, float[] tile) {
        int mr = a.tileHeight(), body = mc - mc % mr;
        if (body > 0) {
            // Whole row tiles: one panel at a time, so that its kc x NR run stays in L1 while
            // every row tile of the block meets it (two panels at once overflow a 32 KiB L1).
            int full = nc / NR;
            for (int t = 0; t < full; t++) {
                column(body, kc, a, b.data(), b.panelStart(t), b.rowStride(), c, ci + t * NR, ldc, mode, beta);
            }
            int edgeCols = nc - full * NR;
            if (edgeCols > 0) edge(body, kc, a, b.edge(), b.edgeBase(), c, ci + full * NR, ldc, edgeCols, mode, beta, tile);
        }
        if (body < mc) {
            ABlock rest = body == 0 ? a : new ABlock(a.data(), a.rowStart(body), a.rowStride(), a.colStride(), a.tileStep(), a.packed());
            tail(mc - body, nc, kc, rest, b, c, ci + body * ldc, ldc, mode, beta, tile);
        }
    }

    /**
     * A block over an unpacked row-major B (row p of the block at {@code b[bi + p*ldb]}) and A in
     * {@link Blocking#MR}-row micro-panels, packing B as it goes: for each full panel one row tile
     * reads the panel in place and writes it into {@code buf} (kc × NR), and the full tiles after it
     * read it from there while it is in L1. The packing tile takes the rows left over by the full
     * tiles ({@code mc % MR}, the last ones), or the first full tile when none are: a short tile
     * from L1 runs at a fraction of a full one's speed (32 rows with a 2-row tail read back:
     * 60 GFLOP/s against 73 for 33 rows, Zen 3), while the packing tile waits on B's loads anyway.
     * The partial last panel is packed apart into {@code edge}. The same multiply-adds in the same
     * order as packing first.
     */
    static void runPacking(int mc, int nc, int kc, ABlock a, float[] b, int bi, int ldb, float[] buf, float[] edge,
                           float[] c, int ci, int ldc, int mode, float beta, float[] tile) {
        if (!a.packed() || Blocking.MR != 3) throw new IllegalArgumentException("runPacking takes A in 3-row micro-panels");
        int mr = Blocking.MR, full = nc / NR, left = mc % mr;
        // the packing tile: rows [first, first + lead); the full tiles: restRows rows from restRow
        int first = left > 0 ? mc - left : 0, lead = left > 0 ? left : mr, ai = a.rowStart(first);
        int restRow = left > 0 ? 0 : mr, restRows = mc - lead;
        ABlock rest = new ABlock(a.data(), a.rowStart(restRow), a.rowStride(), a.colStride(), a.tileStep(), true);
        for (int t = 0; t < full; t++) {
            int ct = ci + t * NR, src = bi + t * NR, cf = ct + first * ldc;
            switch (lead) {
                case 1 -> MicroKernels.tile1x3PackedPacking(kc, a.data(), ai, b, src, ldb, buf, 0, c, cf, mode, beta);
                case 2 -> MicroKernels.tile2x3PackedPacking(kc, a.data(), ai, b, src, ldb, buf, 0, c, cf, ldc, mode, beta);
                default -> MicroKernels.tile3x3PackedPacking(kc, a.data(), ai, b, src, ldb, buf, 0, c, cf, ldc, mode, beta);
            }
            if (restRows > 0) column(restRows, kc, rest, buf, 0, NR, c, ct + restRow * ldc, ldc, mode, beta);
        }
        int edgeCols = nc - full * NR;
        if (edgeCols > 0) {
            Packing.packB(false, b, bi + full * NR, ldb, 0, kc, 0, edgeCols, edge, 0);
            run(mc, edgeCols, kc, a, new Panels(edge, 0, NR, kc * NR, edge, 0), c, ci + full * NR, ldc, mode, beta, tile);
        }
    }

    /**
     * Rows that do not fill a full row tile (fewer than {@link ABlock#tileHeight} of them, or a
     * whole block that short): full panels in pairs, so that one- and two-row tiles use the
     * double-width kernels.
     */
    private static void tail(int mc, int nc, int kc, ABlock a, Panels b, float[] c, int ci, int ldc,
                             int mode, float beta, float[] tile) {
        int full = nc / NR;
        int t = 0;
        for (; t + 1 < full; t += 2) {
            pair(mc, kc, a, b.data(), b.panelStart(t), b.panelStart(t + 1), b.rowStride(), c, ci + t * NR, ldc, mode, beta);
        }
        if (t < full) column(mc, kc, a, b.data(), b.panelStart(t), b.rowStride(), c, ci + t * NR, ldc, mode, beta);
        int edgeCols = nc - full * NR;
        if (edgeCols > 0) edge(mc, kc, a, b.edge(), b.edgeBase(), c, ci + full * NR, ldc, edgeCols, mode, beta, tile);
    }

    /** Height of the next row tile when {@code left} rows remain: {@code mr}, then powers of two. */
    static int tileRows(int left, int mr) {
        return left >= mr ? mr : Integer.highestOneBit(left);
    }

    private static void pair(int mc, int kc, ABlock a, float[] b, int b0, int b1, int bs,
                             float[] c, int ci, int ldc, int mode, float beta) {
        for (int i = 0; i < mc; ) {
            int h = tileRows(mc - i, a.tileHeight()), ai = a.rowStart(i), cr = ci + i * ldc;
            if (h == 2) {
                MicroKernels.tile2x6(kc, a.data(), ai, a.rowStride(), a.colStride(), b, b0, b1, bs, c, cr, ldc, mode, beta);
            } else if (h == 1) {
                MicroKernels.tile1x6(kc, a.data(), ai, a.colStride(), b, b0, b1, bs, c, cr, mode, beta);
            } else {
                tile(h, kc, a.data(), ai, a.rowStride(), a.colStride(), b, b0, bs, c, cr, ldc, mode, beta);
                tile(h, kc, a.data(), ai, a.rowStride(), a.colStride(), b, b1, bs, c, cr + NR, ldc, mode, beta);
            }
            i += h;
        }
    }

    private static void column(int mc, int kc, ABlock a, float[] b, int bi, int bs,
                               float[] c, int ci, int ldc, int mode, float beta) {
        for (int i = 0; i < mc; ) {
            int h = tileRows(mc - i, a.tileHeight());
            tile(h, kc, a.data(), a.rowStart(i), a.rowStride(), a.colStride(), b, bi, bs, c, ci + i * ldc, ldc, mode, beta);
            i += h;
        }
    }

    /** The partial last panel: each row tile goes through {@code tile} (h × NR, row stride NR). */
    private static void edge(int mc, int kc, ABlock a, float[] b, int bi, float[] c, int ci, int ldc, int cols,
                             int mode, float beta, float[] tile) {
        for (int i = 0; i < mc; ) {
            int h = tileRows(mc - i, a.tileHeight()), cr = ci + i * ldc;
            if (mode != MicroKernels.ZERO) {
                for (int r = 0; r < h; r++) System.arraycopy(c, cr + r * ldc, tile, r * NR, cols);
            }
            tile(h, kc, a.data(), a.rowStart(i), a.rowStride(), a.colStride(), b, bi, NR, tile, 0, NR, mode, beta);
            for (int r = 0; r < h; r++) System.arraycopy(tile, r * NR, c, cr + r * ldc, cols);
            i += h;
        }
    }

    private static void tile(int h, int kc, float[] a, int ai, int rs, int cs, float[] b, int bi, int bs,
                             float[] c, int ci, int ldc, int mode, float beta) {
        switch (h) {
            case 8 -> MicroKernels.tile8x3(kc, a, ai, rs, cs, b, bi, bs, c, ci, ldc, mode, beta);
            case 3 -> {
                // 3-row tiles come only from packed A (AVX2); B is in packed panels except when read
                // in place (at most 8 rows with a transposed A or alpha != 1), a rare path that the
                // strided 2- and 1-row tiles serve
                if (rs == 1 && cs == 3 && bs == NR) {
                    MicroKernels.tile3x3Packed(kc, a, ai, b, bi, c, ci, ldc, mode, beta);
                } else {
                    MicroKernels.tile2x3(kc, a, ai, rs, cs, b, bi, bs, c, ci, ldc, mode, beta);
                    MicroKernels.tile1x3(kc, a, ai + 2 * rs, cs, b, bi, bs, c, ci + 2 * ldc, mode, beta);
                }
            }
            case 4 -> MicroKernels.tile4x3(kc, a, ai, rs, cs, b, bi, bs, c, ci, ldc, mode, beta);
            case 2 -> MicroKernels.tile2x3(kc, a, ai, rs, cs, b, bi, bs, c, ci, ldc, mode, beta);
            case 1 -> MicroKernels.tile1x3(kc, a, ai, cs, b, bi, bs, c, ci, mode, beta);
            default -> throw new IllegalStateException("no register tile of " + h + " rows");
        }
    }
}
