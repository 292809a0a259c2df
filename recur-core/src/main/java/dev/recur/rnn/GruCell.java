package dev.recur.rnn;

import java.util.Arrays;

/**
 * The GRU, gates {@code r, z, n}, in PyTorch's form (Cho et al.'s reset applied to the hidden-side
 * product and its bias):
 * <pre>
 *   r = σ(a_r),  z = σ(a_z),  n = tanh(x_n + r ⊙ (W_hn h + b_hn)),  h' = (1 − z) ⊙ n + z ⊙ h
 * </pre>
 * or in the original form ({@code resetAfter = false}), where the reset scales the state before the
 * product: {@code n = tanh(x_n + W_hn (r ⊙ h) + b_hn)}. Here {@code a = x + W_hh h + b_hh} and
 * {@code x = W_ih x + b_ih}. Saved per step: {@code W_hn h + b_hn} (PyTorch form) or {@code r ⊙ h}
 * (original form, the input of the candidate's product).
 */
final class GruCell extends Cell {
    private final boolean resetAfter;

    GruCell(int hidden, boolean resetAfter, Recurrence rec) {
        super(hidden, 3, hidden, rec);
        this.resetAfter = resetAfter;
    }

    /** Whether this is PyTorch's form (the reset scales the recurrent product). */
    boolean resetAfter() {
        return resetAfter;
    }

    @Override
    String[] stateNames() {
        return new String[] {"h"};
    }

    @Override
    int exWidth() {
        return hidden;
    }

    @Override
    boolean separateRecurrentGrad() {
        return resetAfter;
    }

    @Override
    boolean foldsBias(int gate) {
        return !(resetAfter && gate == 2);
    }

    @Override
    int[][] gateRanges() {
        return new int[][] {{0, 2}, {2, 3}};
    }

    @Override
    void forward(Run r, int t) {
        int B = r.B, H = hidden, GH = r.GH;
        float[] g = r.g, hs = r.st[0], ex = r.ex;
        int gOff = t * B * GH, hp = t * B * H, e0 = t * B * H;
        rec.forward(B, 0, 2, hs, hp, H, r.w, r.wOff, g, gOff, GH, r.packs);
        if (resetAfter) {
            // ex = W_hn h + b_hn, kept apart because r scales it
            for (int b = 0; b < B; b++) {
                if (r.bhhSeparate != null) System.arraycopy(r.bhhSeparate, 2 * H, ex, e0 + b * H, H);
                else Arrays.fill(ex, e0 + b * H, e0 + b * H + H, 0f);
            }
            rec.forward(B, 2, 3, hs, hp, H, r.w, r.wOff, ex, e0 - 2 * H, H, r.packs);
        }
        Cell.rows(B, H, (b0, b1) -> {
            for (int b = b0; b < b1; b++) {
                int row = gOff + b * GH;
                Act.sigmoid(g, row, g, row, 2 * H);
                if (!resetAfter) {
                    int e = e0 + b * H, h = hp + b * H;
                    for (int j = 0; j < H; j++) ex[e + j] = g[row + j] * hs[h + j];
                }
            }
        });
        if (!resetAfter) rec.forward(B, 2, 3, ex, e0, H, r.w, r.wOff, g, gOff, GH, r.packs);
        Cell.rows(B, H, (b0, b1) -> candidate(r, t, b0, b1));
    }

    /** The candidate gate and the new state of step t for batch rows [b0, b1). */
    private void candidate(Run r, int t, int b0, int b1) {
        int B = r.B, H = hidden, GH = r.GH;
        float[] g = r.g, hs = r.st[0], ex = r.ex;
        int gOff = t * B * GH, hp = t * B * H, hn = hp + B * H, e0 = t * B * H;
        for (int b = b0; b < b1; b++) {
            int row = gOff + b * GH, e = e0 + b * H, h = hp + b * H, h2 = hn + b * H;
            if (resetAfter) for (int j = 0; j < H; j++) g[row + 2 * H + j] += g[row + j] * ex[e + j];
            Act.tanh(g, row + 2 * H, g, row + 2 * H, H);
            for (int j = 0; j < H; j++) {
                float z = g[row + H + j], n = g[row + 2 * H + j];
                hs[h2 + j] = n + z * (hs[h + j] - n);
            }
        }
    }

    @Override
    void backward(Run r, int t) {
        Cell.rows(r.B, hidden, (b0, b1) -> adjointRows(r, t, b0, b1));
        backwardRecurrent(r, t);
    }

    /**
     * The adjoint of the state update and the candidate, for batch rows [b0, b1): one branch-free
     * loop per form (a form test inside the loop kept C2 from vectorising it).
     */
    private void adjointRows(Run r, int t, int b0, int b1) {
        int B = r.B, H = hidden, GH = r.GH;
        float[] g = r.g, hs = r.st[0], ex = r.ex, dh = r.d[0], dhp = r.dPrev[0], dx = r.dxg, dR = r.dR;
        int gOff = t * B * GH, hp = t * B * H, e0 = t * B * H;
        for (int b = b0; b < b1; b++) {
            int row = gOff + b * GH, h = hp + b * H, e = e0 + b * H, k = b * H;
            for (int j = 0; j < H; j++) {
                float z = g[row + H + j], n = g[row + 2 * H + j], d = dh[k + j];
                dx[row + 2 * H + j] = d * (1f - z) * (1f - n * n);
                dx[row + H + j] = d * (hs[h + j] - n) * z * (1f - z);
                dhp[k + j] = d * z;
            }
            if (resetAfter) {
                for (int j = 0; j < H; j++) {
                    float rr = g[row + j], dan = dx[row + 2 * H + j];
                    float da = dan * ex[e + j] * rr * (1f - rr);
                    dR[row + 2 * H + j] = dan * rr;
                    dx[row + j] = da;
                    dR[row + j] = da;
                    dR[row + H + j] = dx[row + H + j];
                }
            }
        }
    }

    /** The recurrent products' share of the adjoint (and, in the original form, the reset gate's). */
    private void backwardRecurrent(Run r, int t) {
        int B = r.B, H = hidden, GH = r.GH;
        float[] g = r.g, hs = r.st[0], dhp = r.dPrev[0], dx = r.dxg, dR = r.dR;
        int gOff = t * B * GH, hp = t * B * H;
        if (!resetAfter) {
            // d(r ⊙ h) = da_n · W_hn, then split into the reset gate and the state
            float[] drh = r.tmp;
            Arrays.fill(drh, 0, B * H, 0f);
            rec.backwardInput(B, 2, 3, dx, gOff, GH, r.w, r.wOff, drh, 0, H, r.packs);
            for (int b = 0; b < B; b++) {
                int row = gOff + b * GH, h = hp + b * H, k = b * H;
                for (int j = 0; j < H; j++) {
                    float rr = g[row + j];
                    dx[row + j] = drh[k + j] * hs[h + j] * rr * (1f - rr);
                    dhp[k + j] += drh[k + j] * rr;
                }
            }
            rec.backwardInput(B, 0, 2, dx, gOff, GH, r.w, r.wOff, dhp, 0, H, r.packs);
        } else {
            rec.backwardInput(B, 0, 3, dR, gOff, GH, r.w, r.wOff, dhp, 0, H, r.packs);
        }
    }

    @Override
    void weightGrad(Run r, float[] dw, int dwOff) {
        if (resetAfter) {
            super.weightGrad(r, dw, dwOff);
        } else {
            int rows = r.T * r.B;
            rec.backwardWeight(rows, 0, 2, r.dR, 0, r.GH, r.st[0], 0, hidden, dw, dwOff);
            rec.backwardWeight(rows, 2, 3, r.dR, 0, r.GH, r.ex, 0, hidden, dw, dwOff);
        }
    }
}
