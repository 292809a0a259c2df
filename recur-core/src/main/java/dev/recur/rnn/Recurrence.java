package dev.recur.rnn;

import dev.recur.kernel.Backends;
import dev.recur.kernel.Gemm;

/**
 * The recurrent product {@code r[:, rows] = in · W[rows]ᵀ} of one step and its two gradients, for
 * the three shapes a recurrent weight takes: dense {@code (G·H, K)} (PyTorch's {@code weight_hh}),
 * head-wise block-diagonal {@code (G·H, D)} with {@code H = heads·D} (FlashRNN's heads: gate g,
 * head n maps input columns {@code [nD, nD+D)} to output columns {@code g·H + [nD, nD+D)}), and
 * diagonal {@code (H)} (IndRNN). Rows are a range of whole gates, so that two-phase cells (GRU's
 * original form, MGU) can multiply the candidate gate's rows by a different input.
 *
 * <p>All matrices are row-major float arrays; {@code ldr} is the row stride of the gate buffers
 * (G·H), {@code ldi} that of the input.
 */
final class Recurrence {
    enum Kind { DENSE, HEADS, DIAGONAL }

    final Kind kind;
    final int hidden, heads, inWidth;

    /** {@code inWidth}: the width K of the recurrent input (H, or the projection size P). */
    Recurrence(Kind kind, int hidden, int heads, int inWidth) {
        this.kind = kind;
        this.hidden = hidden;
        this.heads = heads;
        this.inWidth = inWidth;
    }

    /** The weight's shape for {@code gates} gates. */
    int[] shape(int gates) {
        return switch (kind) {
            case DENSE -> new int[] {gates * hidden, inWidth};
            case HEADS -> new int[] {gates * hidden, hidden / heads};
            case DIAGONAL -> new int[] {gates * hidden};
        };
    }

    private static Gemm gemm() {
        return Backends.active().gemm();
    }

    /** Up to this many rows, the dense product runs as dot products over W's rows (a GEMV: streaming at batch 1). */
    static final int GEMV_MAX_ROWS = 2;

    /**
     * {@code r[:, g0·H .. g1·H) += in · W[g0·H .. g1·H)ᵀ} for B rows. {@code packs} caches the packed
     * weight of each gate range for the length of one sequence pass (the weight does not change
     * within it), so that the per-step product does not repack W.
     */
    void forward(int B, int g0, int g1, float[] in, int inOff, int ldi, float[] w, int wOff, float[] r, int rOff, int ldr,
                 Gemm.PackedMatrix[] packs) {
        int H = hidden;
        switch (kind) {
            case DENSE -> {
                int rows = (g1 - g0) * H, w0 = wOff + g0 * H * inWidth;
                int slot = g0 * 8 + g1;
                if (B <= GEMV_MAX_ROWS && packs[slot] == null) {
                    var red = Backends.active().reductions();
                    for (int b = 0; b < B; b++) {
                        int io = inOff + b * ldi, ro = rOff + b * ldr + g0 * H;
                        for (int j = 0; j < rows; j++) r[ro + j] += red.dot(w, w0 + j * inWidth, in, io, inWidth);
                    }
                    return;
                }
                if (packs[slot] == null) packs[slot] = gemm().packB(true, inWidth, rows, w, w0, inWidth);
                gemm().sgemm(false, B, 1f, in, inOff, ldi, packs[slot], 1f, r, rOff + g0 * H, ldr);
            }
            case HEADS -> {
                int D = H / heads;
                for (int g = g0; g < g1; g++) {
                    for (int n = 0; n < heads; n++) {
                        gemm().sgemm(false, true, B, D, D, 1f, in, inOff + n * D, ldi, w, wOff + (g * H + n * D) * D, D,
                                1f, r, rOff + g * H + n * D, ldr);
                    }
                }
            }
            case DIAGONAL -> {
                for (int b = 0; b < B; b++) {
                    for (int g = g0; g < g1; g++) {
                        int ro = rOff + b * ldr + g * H, io = inOff + b * ldi, wo = wOff + g * H;
                        for (int j = 0; j < H; j++) r[ro + j] += w[wo + j] * in[io + j];
                    }
                }
            }
        }
    }

    /** Packs the dense weight for each gate range {@code {g0, g1}} into {@code packs} (no-op for other kinds). */
    void pack(int[][] ranges, float[] w, int wOff, Gemm.PackedMatrix[] packs) {
        if (kind != Kind.DENSE) return;
        for (int[] g : ranges) {
            packs[g[0] * 8 + g[1]] = gemm().packB(true, inWidth, (g[1] - g[0]) * hidden, w, wOff + g[0] * hidden * inWidth, inWidth);
        }
    }

    /** {@code dIn += dR[:, g0·H .. g1·H) · W[g0·H .. g1·H)} for B rows; {@code packs} as in {@link #forward} (slots 32..56). */
    void backwardInput(int B, int g0, int g1, float[] dr, int drOff, int ldr, float[] w, int wOff, float[] dIn, int dInOff, int ldi,
                       Gemm.PackedMatrix[] packs) {
        int H = hidden;
        switch (kind) {
            case DENSE -> {
                int slot = 32 + g0 * 5 + g1; // packs of W itself (not transposed), after the forward slots
                if (B > GEMV_MAX_ROWS && packs != null) {
                    if (packs[slot] == null) packs[slot] = gemm().packB(false, (g1 - g0) * H, inWidth, w, wOff + g0 * H * inWidth, inWidth);
                    gemm().sgemm(false, B, 1f, dr, drOff + g0 * H, ldr, packs[slot], 1f, dIn, dInOff, ldi);
                } else {
                    gemm().sgemm(false, false, B, inWidth, (g1 - g0) * H, 1f, dr, drOff + g0 * H, ldr, w, wOff + g0 * H * inWidth, inWidth,
                            1f, dIn, dInOff, ldi);
                }
            }
            case HEADS -> {
                int D = H / heads;
                for (int g = g0; g < g1; g++) {
                    for (int n = 0; n < heads; n++) {
                        gemm().sgemm(false, false, B, D, D, 1f, dr, drOff + g * H + n * D, ldr, w, wOff + (g * H + n * D) * D, D,
                                1f, dIn, dInOff + n * D, ldi);
                    }
                }
            }
            case DIAGONAL -> {
                for (int b = 0; b < B; b++) {
                    for (int g = g0; g < g1; g++) {
                        int ro = drOff + b * ldr + g * H, io = dInOff + b * ldi, wo = wOff + g * H;
                        for (int j = 0; j < H; j++) dIn[io + j] += w[wo + j] * dr[ro + j];
                    }
                }
            }
        }
    }

    /**
     * {@code dW[g0·H .. g1·H) += dR[:, g0·H .. g1·H)ᵀ · in} over all {@code rows} rows (every step of
     * every sequence at once): the weight gradient of a whole sequence as one GEMM.
     */
    void backwardWeight(int rows, int g0, int g1, float[] dr, int drOff, int ldr, float[] in, int inOff, int ldi, float[] dw, int dwOff) {
        if (rows == 0) return;
        int H = hidden;
        switch (kind) {
            case DENSE -> gemm().sgemm(true, false, (g1 - g0) * H, inWidth, rows, 1f, dr, drOff + g0 * H, ldr, in, inOff, ldi,
                    1f, dw, dwOff + g0 * H * inWidth, inWidth);
            case HEADS -> {
                int D = H / heads;
                for (int g = g0; g < g1; g++) {
                    for (int n = 0; n < heads; n++) {
                        gemm().sgemm(true, false, D, D, rows, 1f, dr, drOff + g * H + n * D, ldr, in, inOff + n * D, ldi,
                                1f, dw, dwOff + (g * H + n * D) * D, D);
                    }
                }
            }
            case DIAGONAL -> {
                for (int t = 0; t < rows; t++) {
                    for (int g = g0; g < g1; g++) {
                        int ro = drOff + t * ldr + g * H, io = inOff + t * ldi, wo = dwOff + g * H;
                        for (int j = 0; j < H; j++) dw[wo + j] += dr[ro + j] * in[io + j];
                    }
                }
            }
        }
    }
}
