package dev.recur.rnn;

import java.util.Arrays;

/**
 * Elman's RNN, {@code h' = φ(W_ih x + b_ih + W_hh h + b_hh)} with φ = tanh or ReLU (PyTorch's
 * nn.RNN), and IndRNN (Li et al. 2018) when the recurrence is diagonal: {@code h' = φ(W x + b + u ⊙ h)}.
 * The gate buffer holds φ's output, which is also the new state.
 */
final class ElmanCell extends Cell {
    private final boolean relu;

    ElmanCell(int hidden, boolean relu, Recurrence rec) {
        super(hidden, 1, hidden, rec);
        this.relu = relu;
    }

    boolean relu() {
        return relu;
    }

    @Override
    boolean fusesInputProduct() {
        return rec.kind == Recurrence.Kind.DENSE;
    }

    @Override
    String[] stateNames() {
        return new String[] {"h"};
    }

    @Override
    void forward(Run r, int t) {
        int B = r.B, H = hidden, n = B * H, gOff = t * n;
        if (!r.productDone) rec.forward(B, 0, 1, r.st[0], t * n, H, r.w, r.wOff, r.g, gOff, H, r.packs);
        if (relu) act().relu(r.g, gOff, r.g, gOff, n);
        else Act.tanh(r.g, gOff, r.g, gOff, n);
        System.arraycopy(r.g, gOff, r.st[0], (t + 1) * n, n);
    }

    @Override
    void backward(Run r, int t) {
        int B = r.B, H = hidden, n = B * H, gOff = t * n;
        float[] y = r.g, dh = r.d[0], dx = r.dxg;
        if (relu) {
            for (int i = 0; i < n; i++) dx[gOff + i] = y[gOff + i] > 0f ? dh[i] : 0f;
        } else {
            for (int i = 0; i < n; i++) {
                float v = y[gOff + i];
                dx[gOff + i] = dh[i] * (1f - v * v);
            }
        }
        Arrays.fill(r.dPrev[0], 0f);
        rec.backwardInput(B, 0, 1, r.dR, gOff, H, r.w, r.wOff, r.dPrev[0], 0, H, r.packs);
    }
}
