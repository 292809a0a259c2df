package dev.recur.pararnn;

import dev.recur.random.Rng;
import dev.recur.tensor.Tensor;

import java.util.List;

/**
 * A user-defined cell, written only against the public API ({@link ParaCell} on the
 * {@link AbstractParaCell} base, as a user would): three coupled
 * components per unit, {@code h'_i = tanh(u_i + sum_j A[unit][i][j] h_j)}, a 3 x 3 block Jacobian
 * {@code (1 - h'_i^2) A_ij}. Parameter {@code a} is (U, 3, 3).
 */
public final class CoupledTanhCell extends AbstractParaCell {
    public CoupledTanhCell(int units) {
        super(units, List.of("x", "y", "z"), 0, 3, List.of("a"));
    }

    @Override
    public Tensor[] initialParameters(Rng rng) {
        Tensor a = Tensor.zeros(units, 3, 3);
        for (int i = 0; i < a.numel(); i++) a.data()[i] = (float) ((rng.nextDouble() - 0.5) * 0.9);
        return new Tensor[] {a};
    }

    @Override
    public void evaluate(Tensor[] params, int batch, float[] h, int hOff, float[] u, int uOff,
                         float[] out, int outOff, float[] jac, int jacOff) {
        int U = units, M = batch * U;
        float[] a = params[0].data();
        int ao = params[0].offset();
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < U; j++) {
                int m = b * U + j;
                for (int i = 0; i < 3; i++) {
                    float pre = u[uOff + b * 3 * U + i * U + j];
                    for (int c = 0; c < 3; c++) pre += a[ao + j * 9 + i * 3 + c] * h[hOff + c * M + m];
                    float y = (float) Math.tanh(pre);
                    out[outOff + i * M + m] = y;
                    if (jac != null) {
                        for (int c = 0; c < 3; c++) jac[jacOff + (i * 3 + c) * M + m] = (1 - y * y) * a[ao + j * 9 + i * 3 + c];
                    }
                }
            }
        }
    }

    @Override
    public void backward(Tensor[] params, int batch, float[] h, int hOff, float[] u, int uOff,
                         float[] lambda, int lOff, float[] gu, int guOff, float[][] gParams) {
        int U = units, M = batch * U;
        float[] a = params[0].data();
        int ao = params[0].offset();
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < U; j++) {
                int m = b * U + j;
                for (int i = 0; i < 3; i++) {
                    float pre = u[uOff + b * 3 * U + i * U + j];
                    for (int c = 0; c < 3; c++) pre += a[ao + j * 9 + i * 3 + c] * h[hOff + c * M + m];
                    float y = (float) Math.tanh(pre);
                    float g = lambda[lOff + i * M + m] * (1 - y * y);
                    gu[guOff + b * 3 * U + i * U + j] += g;
                    for (int c = 0; c < 3; c++) gParams[0][j * 9 + i * 3 + c] += g * h[hOff + c * M + m];
                }
            }
        }
    }
}
