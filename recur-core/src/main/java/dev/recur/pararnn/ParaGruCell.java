package dev.recur.pararnn;

import dev.recur.random.Rng;
import dev.recur.tensor.Tensor;

import java.util.List;

/**
 * The GRU of ParaRNN: a GRU whose recurrent weights are diagonal, so that unit u of the state
 * depends only on unit u of the previous state and the Jacobian is diagonal:
 * <pre>
 *   z = sigmoid(u_z + a_z h)        r = sigmoid(u_r + a_r h)
 *   c = tanh(u_c + a_c (r h))       h' = (1 - z) h + z c
 * </pre>
 * with the drive {@code u = W x + b} laid out {@code [u_z | u_r | u_c]} per batch row (3U wide).
 * Parameters: {@code a_z}, {@code a_r}, {@code a_c}, each (U).
 */
public final class ParaGruCell extends AbstractParaCell {
    public ParaGruCell(int units) {
        super(units, List.of("h"), 0, 3, List.of("a_z", "a_r", "a_c"));
    }

    @Override
    public Tensor[] initialParameters(Rng rng) {
        // A diagonal weight of magnitude up to 1 per unit, like the spread of a dense U x U matrix's
        // action on one unit under the usual U(-1/sqrt(U), 1/sqrt(U)) init.
        Tensor[] p = new Tensor[3];
        for (int i = 0; i < 3; i++) {
            p[i] = Tensor.zeros(units);
            for (int j = 0; j < units; j++) p[i].data()[j] = (float) (rng.nextDouble() * 2 - 1);
        }
        return p;
    }

    /**
     * The gates of one batch row into scratch {@code s}: z at [0, U), r at [U, 2U), c at [2U, 3U).
     * Pre-activations are formed in scalar loops, the activations in whole-row passes.
     */
    private void gates(Tensor[] params, float[] h, int hRow, float[] u, int uRow, float[] s) {
        int U = units;
        float[] az = params[0].data(), ar = params[1].data(), ac = params[2].data();
        int oz = params[0].offset(), or = params[1].offset(), oc = params[2].offset();
        for (int j = 0; j < U; j++) {
            float hp = h[hRow + j];
            s[j] = u[uRow + j] + az[oz + j] * hp;
            s[U + j] = u[uRow + U + j] + ar[or + j] * hp;
        }
        CellMath.act().sigmoid(s, 0, s, 0, 2 * U);
        for (int j = 0; j < U; j++) s[2 * U + j] = u[uRow + 2 * U + j] + ac[oc + j] * (s[U + j] * h[hRow + j]);
        CellMath.act().tanh(s, 2 * U, s, 2 * U, U);
    }

    @Override
    public void evaluate(Tensor[] params, int batch, float[] h, int hOff, float[] u, int uOff,
                         float[] out, int outOff, float[] jac, int jacOff) {
        int U = units, D = 3 * U;
        float[] az = params[0].data(), ar = params[1].data(), ac = params[2].data();
        int oz = params[0].offset(), or = params[1].offset(), oc = params[2].offset();
        float[] s = CellMath.scratch(3 * U);
        for (int b = 0; b < batch; b++) {
            int hRow = hOff + b * U;
            gates(params, h, hRow, u, uOff + b * D, s);
            for (int j = 0; j < U; j++) {
                float hp = h[hRow + j], z = s[j], r = s[U + j], c = s[2 * U + j];
                out[outOff + b * U + j] = hp + z * (c - hp);
                if (jac != null) {
                    float dz = z * (1 - z) * az[oz + j];
                    float dr = r * (1 - r) * ar[or + j];
                    float dc = (1 - c * c) * ac[oc + j] * (r + hp * dr);
                    jac[jacOff + b * U + j] = (1 - z) + (c - hp) * dz + z * dc;
                }
            }
        }
    }

    @Override
    public void backward(Tensor[] params, int batch, float[] h, int hOff, float[] u, int uOff,
                         float[] lambda, int lOff, float[] gu, int guOff, float[][] gParams) {
        int U = units, D = 3 * U;
        float[] ac = params[2].data();
        int oc = params[2].offset();
        float[] gaz = gParams[0], gar = gParams[1], gac = gParams[2];
        float[] s = CellMath.scratch(3 * U);
        for (int b = 0; b < batch; b++) {
            int hRow = hOff + b * U;
            gates(params, h, hRow, u, uOff + b * D, s);
            for (int j = 0; j < U; j++) {
                float l = lambda[lOff + b * U + j];
                float hp = h[hRow + j], z = s[j], r = s[U + j], c = s[2 * U + j];
                float gz = l * (c - hp) * z * (1 - z);
                float gc = l * z * (1 - c * c);
                float gr = gc * ac[oc + j] * hp * r * (1 - r);
                int g = guOff + b * D + j;
                gu[g] += gz;
                gu[g + U] += gr;
                gu[g + 2 * U] += gc;
                gaz[j] += gz * hp;
                gar[j] += gr * hp;
                gac[j] += gc * r * hp;
            }
        }
    }

    @Override
    public double flopsPerLane(boolean withJacobian) {
        // 3 activations (counted 10 each: a polynomial exp and a divide), 9 arithmetic; the Jacobian 14 more.
        return withJacobian ? 53 : 39;
    }
}
