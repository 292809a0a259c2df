package dev.recur.kernel.vector.gemm;

/**
 * Cache blocking (the loops around the register tiles), sized for this project's reference CPU
 * (AMD EPYC Zen 5: 48 KiB L1d and 1 MiB L2 per core, 32 MiB shared L3) and checked by measurement:
 * <ul>
 *   <li>a {@code kc}-deep run of one B panel (kc × {@link MicroKernels#NR}) is reused by every row
 *       tile of a block, so it stays in L1/L2;</li>
 *   <li>an A block of {@link #MC} rows × kc (192 KiB at most) stays in L2 while it meets every panel
 *       of the B block;</li>
 *   <li>a B block of kc × {@link #NC} columns (3 MiB at most) lives in L3.</li>
 * </ul>
 * With 8-lane vectors (AVX2, e.g. Zen 3: 32 KiB L1d, 512 KiB L2 per core) the same multiples give a
 * 24 KiB panel run in L1, a 96 KiB A block in L2 and a 1.5 MiB B block in L3; there kc of 128, 192
 * and 384 and MC of 48 and 192 rows measured within the noise of 256 and 96 at 1024³ (interleaved
 * in one JVM on a loaded machine, so only differences above ~10 % would have shown).
 * A product split over threads computes narrower column chunks, whose B blocks fit L2.
 */
final class Blocking {
    /**
     * Rows of the main register tile: 8 with AVX-512's 32 registers, 3 with AVX2's 16 (see
     * {@link MicroKernels#tile3x3Packed}: a fourth row made C2 spill an accumulator).
     */
    static final int MR = MicroKernels.L >= 16 ? 8 : 3;

    /**
     * Rows of the full register tiles over an unpacked A (read with its row stride, where C2 keeps
     * the bounds checks): with AVX2, 4-row tiles there ran an 8×256×1024 product about 15 % faster
     * than 3-row ones (more multiply-adds per check; Zen 3, interleaved in one JVM).
     */
    static final int DIRECT_MR = MicroKernels.L >= 16 ? 8 : 4;

    /**
     * Whether A is always packed where B is packed and A has more than one row block ({@link #MC}),
     * so that full row tiles run {@link MicroKernels#tile3x3Packed} (AVX2). Packing A costs m·k
     * copies against m·n·k multiply-adds, and buys a loop without bounds checks; threads that split
     * C by columns share one packed copy (Product.sharesA). Up to one row block (a batch of 32 or
     * 64) the strided 4-row tiles over unpacked A measured as fast on one thread and 4-11 % faster
     * on two (32×256×1024, Zen 3), with B packed in strips; a row-major B of at most 2 MiB packed by
     * a row tile packs A too ({@code Product.packsAsItGoes}). With AVX-512 the strided 8×3 tile already ran near peak on Zen 5,
     * and unpacked A stays where it can.
     */
    static final boolean PACK_A_FOR_PACKED_B = MR == 3;
    static final int NR = MicroKernels.NR;
    /** Largest k run per block; longer k is cut into equal runs (no thin last run). */
    static final int KC = 256;
    static final int MC = 24 * MR;
    static final int NC = 64 * NR;
    /** Panels packed at a time for a product of one row block ({@code Product.streamed}): 96 columns. */
    static final int STREAM_PANELS = Math.max(1, 96 / NR);

    private Blocking() {}

    /** The depth of each k run: {@code k} cut into the fewest runs of at most {@link #KC}, of near-equal depth. */
    static int kc(int k) {
        int runs = (k + KC - 1) / KC;
        return (k + runs - 1) / runs;
    }

    /** Number of NR-wide panels covering {@code n} columns (the last one may be partial). */
    static int panels(int n) {
        return (n + NR - 1) / NR;
    }
}
