package dev.recur.rnn;

/**
 * The buffers of one fused pass of a cell over a sequence (one layer, one direction), allocated
 * once per call so that the step loop allocates nothing. Layout: {@code g} holds the gate
 * pre-activations of every step (T, B, G·H), filled with the input projection and the foldable
 * recurrent biases, then overwritten in place by the recurrent product and the activations, which
 * the backward reads; {@code st[k]} holds state k at every step boundary ((T+1), B, width_k; slot 0
 * is the initial state); {@code ex} holds what a cell saves besides its gates ((T, B, exWidth)).
 */
final class Run {
    final int T, B, H, GH, P;
    final float[] w;
    final int wOff;
    final float[] bhhSeparate; // recurrent bias of gates that cannot be folded into g (GRU's n gate), else null
    final float[] wr; // projection (P, H), or null
    final float[] peep; // peepholes (3H: i, f, o), or null
    final float[] g;
    final float[][] st;
    final float[] ex;
    final int exWidth;
    /** Packed recurrent weights by gate range, made on first use (see {@link Recurrence#forward}). */
    final dev.recur.kernel.Gemm.PackedMatrix[] packs;

    /**
     * Set by a caller that has already added the recurrent product of every gate to {@code g} (the
     * inference loop's one GEMM over {@code [x_t | h]}); only cells whose recurrence is one product
     * over all gates ({@link Cell#fusesInputProduct}) read it.
     */
    boolean productDone;

    // Backward buffers, created by {@link #prepareBackward}.
    float[][] d, dPrev;
    float[] dxg, dR, tmp, dHall, dPeep;

    Run(Cell cell, int T, int B, float[] w, int wOff, float[] bhhSeparate, float[] wr, float[] peep) {
        this(cell, T, B, w, wOff, bhhSeparate, wr, peep, new dev.recur.kernel.Gemm.PackedMatrix[64], null);
    }

    /** With {@code packs} already holding packed weights (a frozen layer's). */
    Run(Cell cell, int T, int B, float[] w, int wOff, float[] bhhSeparate, float[] wr, float[] peep,
        dev.recur.kernel.Gemm.PackedMatrix[] packs) {
        this(cell, T, B, w, wOff, bhhSeparate, wr, peep, packs, null);
    }

    /** With {@code gates} as the gate buffer when given (already holding the step pre-activations), else a new one. */
    Run(Cell cell, int T, int B, float[] w, int wOff, float[] bhhSeparate, float[] wr, float[] peep,
        dev.recur.kernel.Gemm.PackedMatrix[] packs, float[] gates) {
        this.packs = packs;
        this.T = T;
        this.B = B;
        this.H = cell.hidden;
        this.GH = cell.gates * cell.hidden;
        this.P = cell.outWidth;
        this.w = w;
        this.wOff = wOff;
        this.bhhSeparate = bhhSeparate;
        this.wr = wr;
        this.peep = peep;
        this.g = gates != null ? gates : new float[T * B * GH];
        int[] widths = cell.stateWidths();
        this.st = new float[widths.length][];
        for (int k = 0; k < widths.length; k++) st[k] = new float[(T + 1) * B * widths[k]];
        this.exWidth = cell.exWidth();
        this.ex = new float[T * B * exWidth];
    }

    void prepareBackward(Cell cell) {
        int[] widths = cell.stateWidths();
        d = new float[widths.length][];
        dPrev = new float[widths.length][];
        for (int k = 0; k < widths.length; k++) {
            d[k] = new float[B * widths[k]];
            dPrev[k] = new float[B * widths[k]];
        }
        dxg = new float[T * B * GH];
        dR = cell.separateRecurrentGrad() ? new float[T * B * GH] : dxg;
        tmp = new float[B * Math.max(H, P)];
        if (wr != null) dHall = new float[T * B * P];
        if (peep != null) dPeep = new float[3 * H];
    }

    /** Offset of state k's row block at step boundary {@code slot}. */
    int stOff(int k, int slot, int width) {
        return slot * B * width;
    }
}
