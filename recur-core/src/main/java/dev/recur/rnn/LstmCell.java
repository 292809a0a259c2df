package dev.recur.rnn;

import dev.recur.kernel.Backends;

import java.util.Arrays;

/**
 * PyTorch's LSTM, gates {@code i, f, g, o}:
 * <pre>
 *   i = σ(a_i + p_i ⊙ c),  f = σ(a_f + p_f ⊙ c),  g = tanh(a_g),  c' = f ⊙ c + i ⊙ g,
 *   o = σ(a_o + p_o ⊙ c'),  m = o ⊙ tanh(c'),  h' = m W_hrᵀ (with proj_size) or m
 * </pre>
 * where {@code a = W_ih x + b_ih + W_hh h + b_hh} and the peepholes p (Gers and Schmidhuber 2000)
 * are present only when enabled. Saved per step: tanh(c') and, with a projection, m.
 */
final class LstmCell extends Cell {
    private final boolean proj;

    LstmCell(int hidden, int outWidth, boolean proj, Recurrence rec) {
        super(hidden, 4, outWidth, rec);
        this.proj = proj;
    }

    @Override
    boolean fusesInputProduct() {
        return rec.kind == Recurrence.Kind.DENSE;
    }

    @Override
    String[] stateNames() {
        return new String[] {"h", "c"};
    }

    @Override
    int exWidth() {
        return proj ? 2 * hidden : hidden;
    }

    @Override
    void forward(Run r, int t) {
        int B = r.B, H = hidden, GH = r.GH, P = outWidth, X = exWidth();
        float[] ex = r.ex;
        if (!r.productDone) rec.forward(B, 0, 4, r.st[0], t * B * P, P, r.w, r.wOff, r.g, t * B * GH, GH, r.packs);
        Cell.rows(B, H, (b0, b1) -> gates(r, t, b0, b1));
        if (proj) {
            var gemm = Backends.active().gemm();
            if (r.packs[63] == null) r.packs[63] = gemm.packB(true, H, P, r.wr, 0, H);
            gemm.sgemm(false, B, 1f, ex, t * B * X + H, X, r.packs[63], 0f, r.st[0], (t + 1) * B * P, P);
        }
    }

    /** The gate pass of step t for batch rows [b0, b1). */
    private void gates(Run r, int t, int b0, int b1) {
        int B = r.B, H = hidden, GH = r.GH, X = exWidth();
        float[] g = r.g, cs = r.st[1], ex = r.ex, p = r.peep;
        for (int b = b0; b < b1; b++) {
            int row = (t * B + b) * GH, cp = (t * B + b) * H, cn = cp + B * H, e = (t * B + b) * X;
            if (p != null) {
                for (int j = 0; j < H; j++) {
                    g[row + j] += p[j] * cs[cp + j];
                    g[row + H + j] += p[H + j] * cs[cp + j];
                }
            }
            Act.sigmoid(g, row, g, row, 2 * H);
            Act.tanh(g, row + 2 * H, g, row + 2 * H, H);
            for (int j = 0; j < H; j++) cs[cn + j] = g[row + H + j] * cs[cp + j] + g[row + j] * g[row + 2 * H + j];
            if (p != null) for (int j = 0; j < H; j++) g[row + 3 * H + j] += p[2 * H + j] * cs[cn + j];
            Act.sigmoid(g, row + 3 * H, g, row + 3 * H, H);
            Act.tanh(cs, cn, ex, e, H);
            // m = o ⊙ tanh(c'): the output itself, or the input of the projection
            float[] m = proj ? ex : r.st[0];
            int mo = proj ? e + H : ((t + 1) * B + b) * H;
            for (int j = 0; j < H; j++) m[mo + j] = g[row + 3 * H + j] * ex[e + j];
        }
    }

    @Override
    void backward(Run r, int t) {
        int B = r.B, H = hidden, GH = r.GH, P = outWidth, X = exWidth();
        float[] g = r.g, cs = r.st[1], ex = r.ex, p = r.peep, dx = r.dxg, dc = r.d[1], dcPrev = r.dPrev[1];
        float[] dm;
        if (proj) {
            System.arraycopy(r.d[0], 0, r.dHall, t * B * P, B * P);
            dm = r.tmp;
            Backends.active().gemm().sgemm(false, false, B, H, P, 1f, r.d[0], 0, P, r.wr, 0, H, 0f, dm, 0, H);
        } else {
            dm = r.d[0];
        }
        if (r.peep != null) backwardRows(r, t, dm, 0, B); // peephole gradients accumulate across rows
        else Cell.rows(B, H, (b0, b1) -> backwardRows(r, t, dm, b0, b1));
        Arrays.fill(r.dPrev[0], 0f);
        rec.backwardInput(B, 0, 4, r.dR, t * B * GH, GH, r.w, r.wOff, r.dPrev[0], 0, P, r.packs);
    }

    /** The adjoint gate pass of step t for batch rows [b0, b1). */
    private void backwardRows(Run r, int t, float[] dm, int b0, int b1) {
        int B = r.B, H = hidden, GH = r.GH, X = exWidth();
        float[] g = r.g, cs = r.st[1], ex = r.ex, p = r.peep, dx = r.dxg, dc = r.d[1], dcPrev = r.dPrev[1];
        float[] dp = r.dPeep;
        for (int b = b0; b < b1; b++) {
            int row = (t * B + b) * GH, cp = (t * B + b) * H, cn = cp + B * H, e = (t * B + b) * X, k = b * H;
            for (int j = 0; j < H; j++) {
                float i = g[row + j], f = g[row + H + j], gg = g[row + 2 * H + j], o = g[row + 3 * H + j];
                float tc = ex[e + j], dmj = dm[k + j];
                float dao = dmj * tc * o * (1f - o);
                float dcj = dc[k + j] + dmj * o * (1f - tc * tc);
                float cPrev = cs[cp + j];
                if (p != null) {
                    dcj += dao * p[2 * H + j];
                    dp[2 * H + j] += dao * cs[cn + j];
                }
                float dai = dcj * gg * i * (1f - i);
                float daf = dcj * cPrev * f * (1f - f);
                float dag = dcj * i * (1f - gg * gg);
                float dcp = dcj * f;
                if (p != null) {
                    dcp += dai * p[j] + daf * p[H + j];
                    dp[j] += dai * cPrev;
                    dp[H + j] += daf * cPrev;
                }
                dx[row + j] = dai;
                dx[row + H + j] = daf;
                dx[row + 2 * H + j] = dag;
                dx[row + 3 * H + j] = dao;
                dcPrev[k + j] = dcp;
            }
        }
    }
}
