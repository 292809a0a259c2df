package dev.recur.pararnn;

import dev.recur.random.Rng;
import dev.recur.tensor.Tensor;

import java.util.List;

/**
 * The LSTM of ParaRNN's block-diagonal case: input and forget gates coupled ({@code i = 1 - f}),
 * diagonal recurrent weights and diagonal peepholes, so each unit's (c, h) pair depends only on
 * the same unit's pair: a 2 x 2 block Jacobian.
 * <pre>
 *   f  = sigmoid(u_f + a_f h + p_f c)      g = tanh(u_g + a_g h)
 *   c' = f c + (1 - f) g
 *   o  = sigmoid(u_o + a_o h + p_o c')      h' = o tanh(c')
 * </pre>
 * Components: 0 = c, 1 = h (the output). The drive is {@code [u_f | u_g | u_o]} per batch row (3U).
 * Parameters: {@code a_f}, {@code p_f}, {@code a_g}, {@code a_o}, {@code p_o}, each (U).
 */
public final class ParaLstmCell extends AbstractParaCell {
    public ParaLstmCell(int units) {
        super(units, List.of("c", "h"), 1, 3, List.of("a_f", "p_f", "a_g", "a_o", "p_o"));
    }

    @Override
    public Tensor[] initialParameters(Rng rng) {
        // Recurrent diagonals like ParaGRU's; peepholes small, as they act on the unbounded cell.
        double[] spread = {1, 0.1, 1, 1, 0.1};
        Tensor[] p = new Tensor[5];
        for (int i = 0; i < 5; i++) {
            p[i] = Tensor.zeros(units);
            for (int j = 0; j < units; j++) p[i].data()[j] = (float) ((rng.nextDouble() * 2 - 1) * spread[i]);
        }
        return p;
    }

    /**
     * The gates of one batch row into scratch {@code s}: f at [0, U), g at [U, 2U), o at [2U, 3U),
     * c' at [3U, 4U), tanh(c') at [4U, 5U). {@code c}, {@code hh} are the row's previous state.
     */
    private void gates(Tensor[] params, float[] h, int cRow, int hRow, float[] u, int uRow, float[] s) {
        int U = units;
        float[] af = params[0].data(), pf = params[1].data(), ag = params[2].data(), ao = params[3].data(), po = params[4].data();
        int of = params[0].offset(), opf = params[1].offset(), og = params[2].offset(), oo = params[3].offset(), opo = params[4].offset();
        for (int j = 0; j < U; j++) {
            float c = h[cRow + j], hh = h[hRow + j];
            s[j] = u[uRow + j] + af[of + j] * hh + pf[opf + j] * c;
            s[U + j] = u[uRow + U + j] + ag[og + j] * hh;
        }
        CellMath.act().sigmoid(s, 0, s, 0, U);
        CellMath.act().tanh(s, U, s, U, U);
        for (int j = 0; j < U; j++) {
            float f = s[j], g = s[U + j], c2 = g + f * (h[cRow + j] - g);
            s[3 * U + j] = c2;
            s[2 * U + j] = u[uRow + 2 * U + j] + ao[oo + j] * h[hRow + j] + po[opo + j] * c2;
        }
        CellMath.act().sigmoid(s, 2 * U, s, 2 * U, U);
        CellMath.act().tanh(s, 3 * U, s, 4 * U, U);
    }

    @Override
    public void evaluate(Tensor[] params, int batch, float[] h, int hOff, float[] u, int uOff,
                         float[] out, int outOff, float[] jac, int jacOff) {
        int U = units, D = 3 * U, M = batch * U;
        float[] af = params[0].data(), pf = params[1].data(), ag = params[2].data(), ao = params[3].data(), po = params[4].data();
        int of = params[0].offset(), opf = params[1].offset(), og = params[2].offset(), oo = params[3].offset(), opo = params[4].offset();
        float[] s = CellMath.scratch(5 * U);
        for (int b = 0; b < batch; b++) {
            int cRow = hOff + b * U, hRow = hOff + M + b * U;
            gates(params, h, cRow, hRow, u, uOff + b * D, s);
            for (int j = 0; j < U; j++) {
                int m = b * U + j;
                float c = h[cRow + j], f = s[j], g = s[U + j], o = s[2 * U + j], c2 = s[3 * U + j], tc = s[4 * U + j];
                out[outOff + m] = c2;
                out[outOff + M + m] = o * tc;
                if (jac != null) {
                    float sf = f * (1 - f), so = o * (1 - o), dt = o * (1 - tc * tc);
                    float dcc = f + (c - g) * sf * pf[opf + j];
                    float dch = (c - g) * sf * af[of + j] + (1 - f) * (1 - g * g) * ag[og + j];
                    float doc = so * po[opo + j] * dcc;
                    float doh = so * (ao[oo + j] + po[opo + j] * dch);
                    jac[jacOff + m] = dcc;
                    jac[jacOff + M + m] = dch;
                    jac[jacOff + 2 * M + m] = doc * tc + dt * dcc;
                    jac[jacOff + 3 * M + m] = doh * tc + dt * dch;
                }
            }
        }
    }

    @Override
    public void backward(Tensor[] params, int batch, float[] h, int hOff, float[] u, int uOff,
                         float[] lambda, int lOff, float[] gu, int guOff, float[][] gParams) {
        int U = units, D = 3 * U, M = batch * U;
        float[] po = params[4].data();
        int opo = params[4].offset();
        float[] s = CellMath.scratch(5 * U);
        for (int b = 0; b < batch; b++) {
            int cRow = hOff + b * U, hRow = hOff + M + b * U;
            gates(params, h, cRow, hRow, u, uOff + b * D, s);
            for (int j = 0; j < U; j++) {
                int m = b * U + j;
                float lc = lambda[lOff + m], lh = lambda[lOff + M + m];
                float c = h[cRow + j], hh = h[hRow + j];
                float f = s[j], g = s[U + j], o = s[2 * U + j], c2 = s[3 * U + j], tc = s[4 * U + j];
                float go = lh * tc * o * (1 - o);
                float gc2 = lc + lh * o * (1 - tc * tc) + go * po[opo + j];
                float gf = gc2 * (c - g) * f * (1 - f);
                float gg = gc2 * (1 - f) * (1 - g * g);
                int e = guOff + b * D + j;
                gu[e] += gf;
                gu[e + U] += gg;
                gu[e + 2 * U] += go;
                gParams[0][j] += gf * hh;
                gParams[1][j] += gf * c;
                gParams[2][j] += gg * hh;
                gParams[3][j] += go * hh;
                gParams[4][j] += go * c2;
            }
        }
    }

    @Override
    public double flopsPerLane(boolean withJacobian) {
        return withJacobian ? 80 : 56;
    }
}
