package dev.recur.kernel.vector.gemm;

/**
 * Where the B operand of one block lives, as NR-wide panels: row p of full panel t starts at
 * {@code data[base + t * panelStride + p * rowStride]}. A last, partial panel (when the block's
 * width is not a multiple of NR) is always a zero-padded packed copy: row p at
 * {@code edge[edgeBase + p * NR]}, so kernels may read a whole panel row past the matrix's edge.
 * Unpacked B has {@code rowStride = ldb}, {@code panelStride = NR}; packed B has
 * {@code rowStride = NR}, {@code panelStride = kc * NR} (or {@code k * NR} for a whole packed matrix).
 */
record Panels(float[] data, int base, int rowStride, int panelStride, float[] edge, int edgeBase) {
    int panelStart(int t) {
        return base + t * panelStride;
    }
}
