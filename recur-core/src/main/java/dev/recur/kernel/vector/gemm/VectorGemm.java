package dev.recur.kernel.vector.gemm;

import dev.recur.kernel.Gemm;
import dev.recur.kernel.Parallel;

import static dev.recur.kernel.vector.gemm.Blocking.MR;
import static dev.recur.kernel.vector.gemm.Blocking.NR;

/**
 * SGEMM on the Vector API: register tiles ({@link MicroKernels}) inside cache blocks
 * ({@link Product}, {@link MacroKernel}), with C split into chunks of whole panels of columns
 * (or whole row tiles when C is narrow) that the threads claim one at a time. The accumulation order is the one {@link Gemm} fixes, so
 * the result has the bits of {@link dev.recur.kernel.scalar.ScalarGemm} for any thread count.
 */
public final class VectorGemm implements Gemm {
    /**
     * Multiply-adds per chunk at least (below twice this a product stays on the calling thread):
     * 10 to 20 µs of work. A batch-1 product (1×256×1024, 2^18) split in two took 20 µs at the median
     * on Zen 3 against 15-17 µs on the caller alone, with one call in ten waiting 80 µs for the
     * worker (2026-12-07, load 3-4), and the quiet morning's figures said the same (23.1 against
     * 25.0 GFLOP/s): a handoff costs several microseconds here, not the one assumed before.
     */
    static final long MIN_FMAS_PER_PART = 1L << 18;

    /**
     * A product of one or two rows is split from twice this (one column share per thread, e.g.
     * 1×256×1024 in halves), but only while the pool's workers take their chunks in time
     * ({@link Parallel#workersKeepingUp}): then each core streams half of B (11-12 µs against
     * 15-18 µs whole, Zen 3, a probe with a dedicated spinning helper, load 6-7), while a half left to
     * the caller makes it stream B in half rows, slower than whole ones (21 µs). The bits are the
     * same either way: every column's sums run over k in the same order.
     */
    static final long MIN_FMAS_PER_ROW_PART = 1L << 16;

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        Gemm.checkArgs(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0f) {
            scale(m, n, beta, c, cOff, ldc);
            return;
        }
        run(new Product(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, null, beta, c, cOff, ldc));
    }

    @Override
    public PackedMatrix packB(boolean transB, int k, int n, float[] b, int bOff, int ldb) {
        if (k < 0 || n < 0) throw new IllegalArgumentException("packB: dimensions must be >= 0, found k=" + k + " n=" + n);
        Gemm.checkMatrix("B", b, bOff, ldb, transB ? n : k, transB ? k : n);
        long size = (long) Blocking.panels(n) * NR * k;
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("packB: a " + k + "x" + n + " matrix is too large to pack into one array");
        }
        float[] data = new float[(int) size];
        Packing.packB(transB, b, bOff, ldb, 0, k, 0, n, data, 0);
        return new PackedPanels(k, n, data);
    }

    @Override
    public void sgemm(boolean transA, int m, float alpha, float[] a, int aOff, int lda,
                      PackedMatrix b, float beta, float[] c, int cOff, int ldc) {
        if (!(b instanceof PackedPanels pb)) throw new IllegalArgumentException("sgemm: B was packed by another backend");
        int k = pb.rows(), n = pb.cols();
        if (m < 0) throw new IllegalArgumentException("sgemm: m must be >= 0, found " + m);
        Gemm.checkMatrix("A", a, aOff, lda, transA ? k : m, transA ? m : k);
        Gemm.checkMatrix("C", c, cOff, ldc, m, n);
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0f) {
            scale(m, n, beta, c, cOff, ldc);
            return;
        }
        run(new Product(transA, false, m, n, k, alpha, a, aOff, lda, null, 0, 0, pb, beta, c, cOff, ldc));
    }

    /**
     * Chunks per thread of a product large enough to split. More chunks than threads, claimed one
     * at a time ({@link Parallel#forEachChunk}), so that a thread the OS has not scheduled, or a
     * worker that wakes late, takes fewer chunks instead of holding up the whole call: on a shared
     * 2-core machine a fixed half each made two threads slower than one.
     */
    static final int CHUNKS_PER_THREAD = 4;

    /**
     * Splits C over the pool: by column panels unless C is too narrow to give each thread several,
     * then by row tiles. Each chunk is a contiguous range of whole panels (or row tiles) computed
     * exactly as it would be alone, so the bits do not depend on the chunks or who runs them.
     */
    private static void run(Product p) {
        long fmas = (long) p.m() * p.n() * p.k();
        int threads = Parallel.threads();
        int chunks = (int) Math.min((long) threads * CHUNKS_PER_THREAD, Math.max(1, fmas / MIN_FMAS_PER_PART));
        if (chunks == 1 && p.m() <= Product.SWEEP_MAX_ROWS && fmas >= 2 * MIN_FMAS_PER_ROW_PART && Parallel.workersKeepingUp()) {
            chunks = threads;
        }
        // a row sweep streams B: one wide column share per thread reads longer runs of each row than
        // CHUNKS_PER_THREAD narrow ones (1×1024×4096 on two threads, Zen 4: 40-46 against 25-35 GFLOP/s)
        if (p.m() <= Product.SWEEP_MAX_ROWS) chunks = Math.min(chunks, threads);
        int panels = Blocking.panels(p.n()), tiles = (p.m() + MR - 1) / MR;
        boolean byCols = panels >= 4 * threads || panels >= tiles;
        int units = byCols ? panels : tiles;
        chunks = Math.min(chunks, units);
        if (threads == 1 || chunks <= 1) {
            p.compute(0, p.m(), 0, p.n(), Workspace.get());
            return;
        }
        int parts = chunks;
        // Column chunks each need all of A: pack it once, on all threads, instead of once per chunk.
        float[] sharedA = byCols && p.sharesA() ? Workspace.get().sharedA((int) ((long) p.paddedRows() * p.k())) : null;
        if (sharedA != null) {
            int tileCount = p.paddedRows() / MR, packParts = Math.min(threads, tileCount);
            Parallel.forEachChunk(packParts, (t, end) -> p.packSharedA(sharedA,
                    Parallel.bound(tileCount, packParts, t) * MR, Math.min(p.m(), Parallel.bound(tileCount, packParts, t + 1) * MR)));
        }
        Parallel.forEachChunk(parts, (t, end) -> {
            int u0 = Parallel.bound(units, parts, t), u1 = Parallel.bound(units, parts, t + 1);
            if (byCols) p.compute(0, p.m(), u0 * NR, Math.min(p.n(), u1 * NR), Workspace.get(), sharedA);
            else p.compute(u0 * MR, Math.min(p.m(), u1 * MR), 0, p.n(), Workspace.get());
        });
    }

    private static void scale(int m, int n, float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) Gemm.scaleRow(c, cOff + i * ldc, n, beta);
    }
}
