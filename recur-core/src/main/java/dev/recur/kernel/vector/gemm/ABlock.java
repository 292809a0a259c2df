package dev.recur.kernel.vector.gemm;

/**
 * Where the A operand of one block lives: element (i, p) is at
 * {@code data[base + (i / MR) * tileStep + (i % MR) * rowStride + p * colStride]}.
 * One formula covers an unpacked row-major A ({@code rowStride = lda}, {@code colStride = 1},
 * {@code tileStep = MR * lda}) and A packed into MR-row micro-panels ({@code rowStride = 1},
 * {@code colStride = MR}, {@code tileStep = MR * kc}).
 *
 * <p>{@code packed} says which: packed micro-panels are cut into MR-row tiles, while an unpacked A
 * may be cut into any tiles and takes those of {@link Blocking#DIRECT_MR} rows.
 */
record ABlock(float[] data, int base, int rowStride, int colStride, int tileStep, boolean packed) {
    /** Rows of this block's full register tiles. */
    int tileHeight() {
        return packed ? Blocking.MR : Blocking.DIRECT_MR;
    }

    /** Index of element (i, 0): the start of a row tile beginning at row {@code i}. */
    int rowStart(int i) {
        return base + (i / Blocking.MR) * tileStep + (i % Blocking.MR) * rowStride;
    }
}
