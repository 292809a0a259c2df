package dev.recur.pararnn;

import dev.recur.random.Rng;
import dev.recur.tensor.Tensor;

/**
 * Checks a {@link ParaCell} against finite differences of its own {@link ParaCell#evaluate}: the
 * stated Jacobian (including that entries outside the stated blocks are zero, i.e. that the cell
 * really is block-diagonal), and the input and parameter gradients of {@link ParaCell#backward}.
 * Central differences in float32 with a step of {@code eps}; each difference is taken per output
 * element and summed in double, so the error of a check is about {@code ulp / eps + eps^2}.
 * A user-defined cell should pass with errors near 1e-3 or below.
 */
public final class JacobianCheck {
    /** The largest errors found, each relative to max(1, |derivative|). */
    public record Result(double jacobian, double offBlock, double input, double parameter) {
        public double worst() {
            return Math.max(Math.max(jacobian, offBlock), Math.max(input, parameter));
        }

        @Override
        public String toString() {
            return String.format("jacobian %.3g, outside blocks %.3g, input gradient %.3g, parameter gradient %.3g",
                    jacobian, offBlock, input, parameter);
        }
    }

    private JacobianCheck() {}

    /** Checks the cell at a random state and drive (standard normal, times {@code scale}) for a batch of 2. */
    public static Result check(ParaCell cell, Tensor[] params, double scale, double eps, long seed) {
        Rng rng = new Rng(seed);
        int B = 2, k = cell.components(), U = cell.units(), M = B * U, n = k * M, D = B * cell.driveWidth();
        float[] h = new float[n], u = new float[D], lambda = new float[n];
        for (int i = 0; i < n; i++) h[i] = (float) (rng.nextGaussian() * scale);
        for (int i = 0; i < D; i++) u[i] = (float) (rng.nextGaussian() * scale);
        for (int i = 0; i < n; i++) lambda[i] = (float) rng.nextGaussian();
        float[] out = new float[n], jac = new float[k * n];
        cell.evaluate(params, B, h, 0, u, 0, out, 0, jac, 0);

        // d out / d h_(j, m') for every input lane: the stated block entry where m' = m, zero elsewhere.
        double jacErr = 0, offErr = 0;
        float[] plus = new float[n], minus = new float[n];
        for (int j = 0; j < k; j++) {
            for (int mp = 0; mp < M; mp++) {
                float saved = h[j * M + mp];
                h[j * M + mp] = (float) (saved + eps);
                cell.evaluate(params, B, h, 0, u, 0, plus, 0, null, 0);
                h[j * M + mp] = (float) (saved - eps);
                cell.evaluate(params, B, h, 0, u, 0, minus, 0, null, 0);
                h[j * M + mp] = saved;
                for (int i = 0; i < k; i++) {
                    for (int m = 0; m < M; m++) {
                        double fd = ((double) plus[i * M + m] - minus[i * M + m]) / (2 * eps);
                        if (m == mp) {
                            double stated = jac[(i * k + j) * M + m];
                            jacErr = Math.max(jacErr, Math.abs(stated - fd) / Math.max(1, Math.abs(stated)));
                        } else {
                            offErr = Math.max(offErr, Math.abs(fd));
                        }
                    }
                }
            }
        }

        float[] gu = new float[D];
        float[][] gp = new float[params.length][];
        for (int i = 0; i < params.length; i++) gp[i] = new float[params[i].numel()];
        cell.backward(params, B, h, 0, u, 0, lambda, 0, gu, 0, gp);
        double inErr = 0;
        for (int d = 0; d < D; d++) {
            float saved = u[d];
            u[d] = (float) (saved + eps);
            cell.evaluate(params, B, h, 0, u, 0, plus, 0, null, 0);
            u[d] = (float) (saved - eps);
            cell.evaluate(params, B, h, 0, u, 0, minus, 0, null, 0);
            u[d] = saved;
            double fd = directional(plus, minus, lambda, eps);
            inErr = Math.max(inErr, Math.abs(gu[d] - fd) / Math.max(1, Math.abs(fd)));
        }
        double parErr = 0;
        for (int i = 0; i < params.length; i++) {
            Tensor pt = params[i].contiguous().copy();
            Tensor[] ps = params.clone();
            ps[i] = pt;
            for (int e = 0; e < pt.numel(); e++) {
                float saved = pt.data()[e];
                pt.data()[e] = (float) (saved + eps);
                cell.evaluate(ps, B, h, 0, u, 0, plus, 0, null, 0);
                pt.data()[e] = (float) (saved - eps);
                cell.evaluate(ps, B, h, 0, u, 0, minus, 0, null, 0);
                pt.data()[e] = saved;
                double fd = directional(plus, minus, lambda, eps);
                parErr = Math.max(parErr, Math.abs(gp[i][e] - fd) / Math.max(1, Math.abs(fd)));
            }
        }
        return new Result(jacErr, offErr, inErr, parErr);
    }

    private static double directional(float[] plus, float[] minus, float[] lambda, double eps) {
        double s = 0;
        for (int i = 0; i < plus.length; i++) s += lambda[i] * (((double) plus[i] - minus[i]) / (2 * eps));
        return s;
    }
}
