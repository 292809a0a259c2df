package dev.recur.pararnn;

import dev.recur.kernel.Parallel;
import dev.recur.tensor.Tensor;

/**
 * Solves {@code h_t = f(h_{t-1}, u_t)} for all t of a sequence, either step by step
 * ({@link #sequential}) or as one nonlinear system by Newton's method ({@link #newton}), after
 * ParaRNN (Danieli et al., Apple, 2025). A Newton iteration evaluates f and its Jacobian at the
 * current guess for every step at once (parallel over time), forms the residual
 * {@code r_t = f(h_{t-1}, u_t) - h_t}, and solves the linearised system
 * {@code d_t = J_t d_{t-1} + r_t} with one {@link LinearScan}; then {@code h += d}.
 *
 * <p>Unlike the paper's fixed iteration count, convergence is checked: the solve stops when
 * {@code max_t ||h_t - f(h_{t-1}, u_t)||_inf <= tol}. Newton on this block-lower-triangular
 * system makes at least one more step exact per iteration, so it always terminates within T
 * iterations; in practice a contracting cell takes a handful. The caller falls back to the
 * sequential solve when the cap is hit.
 *
 * <p>Buffers are time-major {@code (T, k, B, U)} (see {@link ParaCell}); steps at or past a
 * sequence's length are solved too (their lanes are independent) but not counted in the residual.
 */
public final class NewtonSolver {
    /**
     * The default tolerance per unit of state magnitude: 32 float32 ulps at 1. Evaluating f in
     * float32 leaves a residual of a few ulps at the exact float solution, so a much tighter
     * tolerance could never be met; quadratic convergence makes the last iteration land well
     * inside this one.
     */
    public static final double DEFAULT_RELATIVE_TOLERANCE = 32 * Math.ulp(1f);

    /** The outcome of a solve. {@code jacobians} is at the returned states (null for a sequential solve). */
    public record Solution(float[] states, float[] jacobians, int iterations, double residual, double tolerance, boolean converged) {}

    private NewtonSolver() {}

    /** The fewest lanes (batch rows x units) per thread for which the sequential solve splits the batch. */
    static final int MIN_LANES_PER_THREAD = 512;

    /**
     * The step-by-step solve; {@code init} is (k, B, U) or null for zero. A batch wide enough to
     * give each thread {@link #MIN_LANES_PER_THREAD} lanes is split into groups of rows, each
     * thread running the whole recurrence for its rows (gathered into its own buffers), so that the
     * sequential baseline uses the cores too.
     */
    public static Solution sequential(ParaCell cell, Tensor[] params, int T, int batch, float[] u, float[] init) {
        int k = cell.components(), U = cell.units(), n = k * batch * U, Dr = cell.driveWidth();
        float[] h = new float[T * n];
        int groups = Parallel.chunks(batch, Math.max(1, MIN_LANES_PER_THREAD / U));
        if (groups <= 1) {
            recur(cell, params, T, batch, u, init, h);
            return new Solution(h, null, 0, 0, 0, true);
        }
        Parallel.forRange(batch, Math.max(1, MIN_LANES_PER_THREAD / U), (b0, b1) -> {
            int g = b1 - b0, gn = k * g * U;
            float[] gu = new float[T * g * Dr], gh = new float[T * gn], gi = init == null ? null : new float[gn];
            for (int t = 0; t < T; t++) System.arraycopy(u, (t * batch + b0) * Dr, gu, t * g * Dr, g * Dr);
            for (int i = 0; i < k && gi != null; i++) System.arraycopy(init, (i * batch + b0) * U, gi, i * g * U, g * U);
            recur(cell, params, T, g, gu, gi, gh);
            for (int t = 0; t < T; t++) {
                for (int i = 0; i < k; i++) System.arraycopy(gh, t * gn + i * g * U, h, t * n + (i * batch + b0) * U, g * U);
            }
        });
        return new Solution(h, null, 0, 0, 0, true);
    }

    private static void recur(ParaCell cell, Tensor[] params, int T, int batch, float[] u, float[] init, float[] h) {
        int n = cell.components() * batch * cell.units(), D = batch * cell.driveWidth();
        float[] prev = init != null ? init : new float[n];
        int prevOff = 0;
        for (int t = 0; t < T; t++) {
            cell.evaluate(params, batch, prev, prevOff, u, t * D, h, t * n, null, 0);
            prev = h;
            prevOff = t * n;
        }
    }

    /**
     * Newton's method from the guess {@code h_t = f(init, u_t)}.
     *
     * @param lengths   valid steps per sequence, or null for all T
     * @param tolerance absolute residual tolerance; {@code <= 0} for
     *                  {@link #DEFAULT_RELATIVE_TOLERANCE} x max(1, max |h|)
     * @param maxIterations the most linear solves before giving up ({@code converged == false})
     */
    public static Solution newton(ParaCell cell, Tensor[] params, int T, int batch, float[] u, float[] init,
                                  int[] lengths, double tolerance, int maxIterations, LinearScan.Strategy strategy) {
        int k = cell.components(), U = cell.units(), M = batch * U, n = k * M, D = batch * cell.driveWidth();
        float[] zero = init != null ? init : new float[n];
        float[] h = new float[T * n], f = new float[T * n], jac = new float[T * k * n];
        int grain = Math.max(1, 8192 / Math.max(1, n));
        Parallel.forRange(T, grain, (t0, t1) -> {
            for (int t = t0; t < t1; t++) cell.evaluate(params, batch, zero, 0, u, t * D, h, t * n, null, 0);
        });
        float[] stepResidual = new float[T], stepScale = new float[T];
        for (int iteration = 0; ; iteration++) {
            Parallel.forRange(T, grain, (t0, t1) -> {
                for (int t = t0; t < t1; t++) {
                    float[] prev = t == 0 ? zero : h;
                    int prevOff = t == 0 ? 0 : (t - 1) * n;
                    cell.evaluate(params, batch, prev, prevOff, u, t * D, f, t * n, jac, t * k * n);
                    float res = 0, scale = 0;
                    for (int i = 0; i < k; i++) {
                        for (int b = 0; b < batch; b++) {
                            boolean valid = lengths == null || t < lengths[b];
                            int off = t * n + (i * batch + b) * U;
                            for (int j = off; j < off + U; j++) {
                                float r = f[j] - h[j];
                                f[j] = r;
                                if (valid) {
                                    // NaN must count as not converged: max() would drop it
                                    float a = Math.abs(r);
                                    res = a > res || a != a ? a : res;
                                    scale = Math.max(scale, Math.abs(h[j]));
                                }
                            }
                        }
                    }
                    stepResidual[t] = res;
                    stepScale[t] = scale;
                }
            });
            double residual = 0, scale = 1;
            for (int t = 0; t < T; t++) {
                residual = stepResidual[t] > residual || Double.isNaN(stepResidual[t]) ? stepResidual[t] : residual;
                scale = Math.max(scale, stepScale[t]);
            }
            double tol = tolerance > 0 ? tolerance : DEFAULT_RELATIVE_TOLERANCE * scale;
            if (residual <= tol) return new Solution(h, jac, iteration, residual, tol, true);
            if (iteration >= maxIterations || Double.isNaN(residual)) return new Solution(h, null, iteration, residual, tol, false);
            LinearScan.forward(k, M, T, jac, f, null, f, strategy);
            Parallel.forRange(T, grain, (t0, t1) -> {
                for (int j = t0 * n; j < t1 * n; j++) h[j] += f[j];
            });
        }
    }

    /** The Jacobians at given states, parallel over time (a sequential solve's backward needs them). */
    public static float[] jacobians(ParaCell cell, Tensor[] params, int T, int batch, float[] u, float[] init, float[] h) {
        int k = cell.components(), n = k * batch * cell.units(), D = batch * cell.driveWidth();
        float[] zero = init != null ? init : new float[n];
        float[] jac = new float[T * k * n];
        int grain = Math.max(1, 8192 / Math.max(1, n));
        Parallel.forRange(T, grain, (t0, t1) -> {
            float[] scratch = new float[n];
            for (int t = t0; t < t1; t++) {
                cell.evaluate(params, batch, t == 0 ? zero : h, t == 0 ? 0 : (t - 1) * n, u, t * D, scratch, 0, jac, t * k * n);
            }
        });
        return jac;
    }

    /** Max |a - b| (tests and diagnostics). */
    static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) throw new IllegalArgumentException("lengths differ: " + a.length + " vs " + b.length);
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }
}
