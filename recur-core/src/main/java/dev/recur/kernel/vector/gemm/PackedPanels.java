package dev.recur.kernel.vector.gemm;

import dev.recur.kernel.Gemm;

/**
 * A whole op(B) (k × n) packed once into NR-wide panels over the full depth: row p of panel t at
 * {@code data[t * k * NR + p * NR]}, the last panel zero-padded. Any k run of a panel is contiguous,
 * so the product streams it without copying, whatever the caller's k blocking.
 */
record PackedPanels(int rows, int cols, float[] data) implements Gemm.PackedMatrix {
    int panelStride() {
        return rows * Blocking.NR;
    }
}
