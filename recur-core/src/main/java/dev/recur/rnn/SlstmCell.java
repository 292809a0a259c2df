package dev.recur.rnn;

import java.util.Arrays;

/**
 * The sLSTM of xLSTM (Beck et al. 2024, §2.2), gates {@code i, f, z, o}, with an exponential input
 * gate, a sigmoid forget gate taken in log space, a normaliser n and a stabiliser m:
 * <pre>
 *   m' = max(log σ(a_f) + m, a_i),  i = exp(a_i − m'),  f = exp(log σ(a_f) + m − m')
 *   c' = f ⊙ c + i ⊙ tanh(a_z),  n' = f ⊙ n + i,  h' = σ(a_o) ⊙ c' / n'
 * </pre>
 * The stabiliser cancels in h' but not in the returned states, so its gradient is carried exactly
 * (through the branch the max took). Saved per step: σ(a_f) and the branch; the gate buffer keeps
 * i, f (stabilised), tanh(a_z) and σ(a_o).
 */
final class SlstmCell extends Cell {
    SlstmCell(int hidden, Recurrence rec) {
        super(hidden, 4, hidden, rec);
    }

    @Override
    boolean fusesInputProduct() {
        return rec.kind == Recurrence.Kind.DENSE;
    }

    @Override
    String[] stateNames() {
        return new String[] {"h", "c", "n", "m"};
    }

    @Override
    int exWidth() {
        return 2 * hidden;
    }

    @Override
    void forward(Run r, int t) {
        int B = r.B, H = hidden, GH = r.GH;
        float[] g = r.g, ex = r.ex, hs = r.st[0], cs = r.st[1], ns = r.st[2], ms = r.st[3];
        int gOff = t * B * GH;
        if (!r.productDone) rec.forward(B, 0, 4, hs, t * B * H, H, r.w, r.wOff, g, gOff, GH, r.packs);
        for (int b = 0; b < B; b++) {
            int row = gOff + b * GH, e = (t * B + b) * 2 * H, p = (t * B + b) * H, q = p + B * H;
            Act.sigmoid(g, row + H, ex, e, H);
            Act.logSigmoid(g, row + H, g, row + H, H);
            Act.tanh(g, row + 2 * H, g, row + 2 * H, H);
            Act.sigmoid(g, row + 3 * H, g, row + 3 * H, H);
            for (int j = 0; j < H; j++) {
                float ai = g[row + j], lfm = g[row + H + j] + ms[p + j];
                boolean forget = lfm >= ai;
                float m = forget ? lfm : ai;
                float ig = (float) Math.exp(ai - m), fg = (float) Math.exp(lfm - m);
                float c = fg * cs[p + j] + ig * g[row + 2 * H + j];
                float n = fg * ns[p + j] + ig;
                g[row + j] = ig;
                g[row + H + j] = fg;
                ex[e + H + j] = forget ? 1f : 0f;
                cs[q + j] = c;
                ns[q + j] = n;
                ms[q + j] = m;
                hs[q + j] = g[row + 3 * H + j] * c / n;
            }
        }
    }

    @Override
    void backward(Run r, int t) {
        int B = r.B, H = hidden, GH = r.GH;
        float[] g = r.g, ex = r.ex, cs = r.st[1], ns = r.st[2];
        float[] dh = r.d[0], dcs = r.d[1], dns = r.d[2], dms = r.d[3], dx = r.dxg;
        float[] dcp = r.dPrev[1], dnp = r.dPrev[2], dmp = r.dPrev[3];
        int gOff = t * B * GH;
        for (int b = 0; b < B; b++) {
            int row = gOff + b * GH, e = (t * B + b) * 2 * H, p = (t * B + b) * H, q = p + B * H, k = b * H;
            for (int j = 0; j < H; j++) {
                float ig = g[row + j], fg = g[row + H + j], z = g[row + 2 * H + j], o = g[row + 3 * H + j];
                float c = cs[q + j], n = ns[q + j], cPrev = cs[p + j], nPrev = ns[p + j];
                float d = dh[k + j];
                float dout = d * c / n;
                float dc = dcs[k + j] + d * o / n;
                float dn = dns[k + j] - d * o * c / (n * n);
                float a = (dc * cPrev + dn * nPrev) * fg; // d(log f + m − m')
                float bi = (dc * z + dn) * ig; // d(a_i − m')
                float dmNew = dms[k + j] - a - bi;
                float dlf = a, dmPrev = a, dai = bi;
                if (ex[e + H + j] != 0f) {
                    dlf += dmNew;
                    dmPrev += dmNew;
                } else {
                    dai += dmNew;
                }
                dx[row + j] = dai;
                dx[row + H + j] = dlf * (1f - ex[e + j]);
                dx[row + 2 * H + j] = dc * ig * (1f - z * z);
                dx[row + 3 * H + j] = dout * o * (1f - o);
                dcp[k + j] = dc * fg;
                dnp[k + j] = dn * fg;
                dmp[k + j] = dmPrev;
            }
        }
        Arrays.fill(r.dPrev[0], 0f);
        rec.backwardInput(B, 0, 4, r.dR, gOff, GH, r.w, r.wOff, r.dPrev[0], 0, H, r.packs);
    }
}
