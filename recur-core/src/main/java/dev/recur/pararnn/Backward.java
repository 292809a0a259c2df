package dev.recur.pararnn;

import dev.recur.kernel.Parallel;
import dev.recur.tensor.Tensor;

import java.util.function.IntFunction;

/**
 * The backward pass of {@link ParaRnn}: gather {@code dL/dh_t} from the outputs and final states,
 * run the adjoint scan, then each step's closed-form input and parameter gradients.
 */
final class Backward {
    private Backward() {}

    /**
     * @param gradOf  the op's input gradient buffers (null where none is needed): 0 the drive,
     *                1..nParams the parameters, then the k initial-state tensors
     * @param jac     the Jacobians at {@code h}, or null to compute them here
     * @param g       the gradients of the op's outputs: 0 the output (T, B, U), then the final states
     */
    static void run(IntFunction<Tensor> gradOf, ParaCell cell, Tensor[] p, int T, int B, int[] len, float[] u, float[] init,
                    float[] h, float[] jac, Tensor[] g, LinearScan.Strategy strategy, int nParams) {
        int k = cell.components(), U = cell.units(), M = B * U, n = k * M, D = B * cell.driveWidth();
        int oc = cell.outputComponent();
        float[] lambda = new float[T * n], gInit = new float[n];
        if (g[0] != null) {
            float[] gy = g[0].contiguous().toArray();
            for (int t = 0; t < T; t++) {
                for (int b = 0; b < B; b++) {
                    if (t >= len[b]) continue;
                    int dst = t * n + oc * M + b * U, src = (t * B + b) * U;
                    for (int j = 0; j < U; j++) lambda[dst + j] += gy[src + j];
                }
            }
        }
        for (int i = 0; i < k; i++) {
            if (g[1 + i] == null) continue;
            float[] gs = g[1 + i].contiguous().toArray();
            for (int b = 0; b < B; b++) {
                float[] dst = len[b] > 0 ? lambda : gInit;
                int off = (len[b] > 0 ? (len[b] - 1) * n : 0) + i * M + b * U;
                for (int j = 0; j < U; j++) dst[off + j] += gs[b * U + j];
            }
        }
        if (T == 0) {
            addInitial(gradOf, nParams, k, B, U, gInit);
            return;
        }
        float[] zero = init != null ? init : new float[n];
        float[] J = jac != null ? jac : NewtonSolver.jacobians(cell, p, T, B, u, init, h);
        LinearScan.adjoint(k, M, T, J, lambda, lambda, strategy);

        boolean wantInit = false;
        for (int i = 0; i < k; i++) wantInit |= gradOf.apply(1 + nParams + i) != null;
        if (wantInit) {
            float[] carried = new float[n];
            ScanKernel.active().affine(k, M, 0, M, J, 0, true, lambda, 0, new float[n], 0, carried, 0);
            for (int i = 0; i < n; i++) gInit[i] += carried[i];
            addInitial(gradOf, nParams, k, B, U, gInit);
        }

        boolean wantDrive = gradOf.apply(0) != null, wantParams = false;
        for (int i = 0; i < nParams; i++) wantParams |= gradOf.apply(1 + i) != null;
        if (!wantDrive && !wantParams) return;
        float[] gu = new float[T * D];
        int parts = Math.max(1, Parallel.chunks(T, Math.max(1, 8192 / Math.max(1, n))));
        float[][][] gp = new float[parts][nParams][];
        Parallel.forRange(parts, 1, (c0, c1) -> {
            for (int c = c0; c < c1; c++) {
                for (int i = 0; i < nParams; i++) gp[c][i] = new float[p[i].numel()];
                for (int t = Parallel.bound(T, parts, c); t < Parallel.bound(T, parts, c + 1); t++) {
                    cell.backward(p, B, t == 0 ? zero : h, t == 0 ? 0 : (t - 1) * n, u, t * D, lambda, t * n, gu, t * D, gp[c]);
                }
            }
        });
        Tensor gd = gradOf.apply(0);
        if (gd != null) addInto(gd, gu);
        for (int i = 0; i < nParams; i++) {
            Tensor gt = gradOf.apply(1 + i);
            if (gt == null) continue;
            float[] sum = new float[p[i].numel()];
            for (int c = 0; c < parts; c++) for (int j = 0; j < sum.length; j++) sum[j] += gp[c][i][j];
            addInto(gt, sum);
        }
    }

    private static void addInitial(IntFunction<Tensor> gradOf, int nParams, int k, int B, int U, float[] gInit) {
        for (int i = 0; i < k; i++) {
            Tensor gt = gradOf.apply(1 + nParams + i);
            if (gt == null) continue;
            float[] part = new float[B * U];
            System.arraycopy(gInit, i * B * U, part, 0, B * U);
            addInto(gt, part);
        }
    }

    /** Adds a row-major array into a gradient buffer, whatever its strides. */
    private static void addInto(Tensor grad, float[] values) {
        float[] a = grad.data();
        if (grad.isContiguous()) {
            int off = grad.offset();
            for (int j = 0; j < values.length; j++) a[off + j] += values[j];
            return;
        }
        int[] i = {0};
        grad.forEachOffset(off -> a[off] += values[i[0]++]);
    }
}
