package dev.recur.rnn;

import java.util.Arrays;

/**
 * The minimal gated unit (Zhou et al. 2016, "Minimal Gated Unit for Recurrent Neural Networks"),
 * gates {@code f, n}: one forget gate serves as both of the GRU's gates:
 * <pre>
 *   f = σ(W_f x + U_f h + b_f),  n = tanh(W_n x + U_n (f ⊙ h) + b_n),  h' = (1 − f) ⊙ h + f ⊙ n
 * </pre>
 * Saved per step: {@code f ⊙ h}, the input of the candidate's recurrent product.
 */
final class MguCell extends Cell {
    MguCell(int hidden, Recurrence rec) {
        super(hidden, 2, hidden, rec);
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
    int[][] gateRanges() {
        return new int[][] {{0, 1}, {1, 2}};
    }

    @Override
    void forward(Run r, int t) {
        int B = r.B, H = hidden, GH = r.GH;
        float[] g = r.g, hs = r.st[0], ex = r.ex;
        int gOff = t * B * GH, hp = t * B * H, hn = hp + B * H, e0 = t * B * H;
        rec.forward(B, 0, 1, hs, hp, H, r.w, r.wOff, g, gOff, GH, r.packs);
        for (int b = 0; b < B; b++) {
            int row = gOff + b * GH, e = e0 + b * H, h = hp + b * H;
            Act.sigmoid(g, row, g, row, H);
            for (int j = 0; j < H; j++) ex[e + j] = g[row + j] * hs[h + j];
        }
        rec.forward(B, 1, 2, ex, e0, H, r.w, r.wOff, g, gOff, GH, r.packs);
        for (int b = 0; b < B; b++) {
            int row = gOff + b * GH, h = hp + b * H, h2 = hn + b * H;
            Act.tanh(g, row + H, g, row + H, H);
            for (int j = 0; j < H; j++) {
                float f = g[row + j], n = g[row + H + j];
                hs[h2 + j] = hs[h + j] + f * (n - hs[h + j]);
            }
        }
    }

    @Override
    void backward(Run r, int t) {
        int B = r.B, H = hidden, GH = r.GH;
        float[] g = r.g, hs = r.st[0], dh = r.d[0], dhp = r.dPrev[0], dx = r.dxg, dfh = r.tmp;
        int gOff = t * B * GH, hp = t * B * H;
        for (int b = 0; b < B; b++) {
            int row = gOff + b * GH, k = b * H;
            for (int j = 0; j < H; j++) {
                float f = g[row + j], n = g[row + H + j];
                dx[row + H + j] = dh[k + j] * f * (1f - n * n);
            }
        }
        Arrays.fill(dfh, 0, B * H, 0f);
        rec.backwardInput(B, 1, 2, dx, gOff, GH, r.w, r.wOff, dfh, 0, H, r.packs);
        for (int b = 0; b < B; b++) {
            int row = gOff + b * GH, h = hp + b * H, k = b * H;
            for (int j = 0; j < H; j++) {
                float f = g[row + j], n = g[row + H + j], hv = hs[h + j], d = dh[k + j];
                float df = d * (n - hv) + dfh[k + j] * hv;
                dx[row + j] = df * f * (1f - f);
                dhp[k + j] = d * (1f - f) + dfh[k + j] * f;
            }
        }
        rec.backwardInput(B, 0, 1, dx, gOff, GH, r.w, r.wOff, dhp, 0, H, r.packs);
    }

    @Override
    void weightGrad(Run r, float[] dw, int dwOff) {
        int rows = r.T * r.B;
        rec.backwardWeight(rows, 0, 1, r.dR, 0, r.GH, r.st[0], 0, hidden, dw, dwOff);
        rec.backwardWeight(rows, 1, 2, r.dR, 0, r.GH, r.ex, 0, hidden, dw, dwOff);
    }
}
