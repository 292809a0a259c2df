package dev.recur.pararnn;

import dev.recur.autodiff.Node;
import dev.recur.autodiff.Var;
import dev.recur.kernel.Parallel;
import dev.recur.layer.Lengths;
import dev.recur.tensor.ShapeException;
import dev.recur.tensor.Shapes;
import dev.recur.tensor.Tensor;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link ParaCell} run over a sequence as one coarse autodiff op: forward by the sequential or
 * the Newton solve ({@link NewtonSolver}), backward by the adjoint recurrence
 * {@code l_t = dL/dh_t + J_{t+1}^T l_{t+1}} (one transposed {@link LinearScan}), then the input
 * and parameter gradients of every step in closed form ({@link ParaCell#backward}), parallel over
 * time. Both solves give the same function, so the backward is the same for both; only the scan's
 * strategy differs (sequential for {@link Mode#SEQUENTIAL}).
 */
public final class ParaRnn {
    private static final System.Logger LOG = System.getLogger("dev.recur.pararnn");
    /** Non-convergence is reported once per run (JVM), then only at debug level. */
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    /** How the forward recurrence is solved. */
    public enum Mode {
        SEQUENTIAL, NEWTON,
        /** Newton where it can pay off: see {@link #newtonPays}. */
        AUTO
    }

    /**
     * Solver settings: {@code tolerance <= 0} means {@link NewtonSolver#DEFAULT_RELATIVE_TOLERANCE}
     * scaled by the state's magnitude; {@code maxIterations} caps the Newton iterations before the
     * sequential fallback.
     */
    public record Options(Mode mode, double tolerance, int maxIterations, LinearScan.Strategy strategy) {
        public static final Options DEFAULT = new Options(Mode.AUTO, 0, 16, LinearScan.Strategy.AUTO);

        public Options withMode(Mode m) {
            return new Options(m, tolerance, maxIterations, strategy);
        }
    }

    /**
     * What a forward solve did: whether Newton ran, its iterations (linear solves) and final
     * residual, the tolerance it aimed at, and whether it fell back to the sequential solve.
     */
    public record Stats(boolean newton, int iterations, double residual, double tolerance, boolean fellBack) {
        static final Stats SEQUENTIAL = new Stats(false, 0, 0, 0, false);
    }

    /** The output (T, B, U) of the cell's output component, the final state per component (B, U), and the stats. */
    public record Result(Var output, Var[] state, Stats stats) {}

    private ParaRnn() {}

    /** Re-arms the once-per-run warning (tests). */
    static void rearmWarning() {
        WARNED.set(false);
    }

    /**
     * The rule of {@link Mode#AUTO}: Newton does several times the work of the sequential solve
     * (one f-and-Jacobian evaluation plus one scan per iteration, typically 3 to 5 iterations, and
     * a time-chunked scan doubles the scan work), so it pays only where the cores it keeps busy
     * outnumber that factor and the sequential solve cannot use them itself: at least 8 threads,
     * sequences of at least 1024 steps, and at most 4 sequences of at most 4096 lanes in the batch
     * (a wide batch already gives the sequential solve enough work per step).
     */
    public static boolean newtonPays(int steps, int batch, int lanes) {
        return Parallel.threads() >= 8 && steps >= 1024 && batch <= 4 && lanes <= 4096;
    }

    /**
     * Runs {@code cell} over {@code drive} (T, B, driveWidth).
     *
     * @param params  the recurrent parameters, in {@link ParaCell#parameterNames()} order
     * @param initial the state before the first step, one (B, U) per component, or null for zero
     * @param lengths valid steps per sequence, or null for all T; outputs past them are zero and the
     *                final state is each sequence's state at its last valid step
     */
    public static Result apply(ParaCell cell, Var drive, Var[] params, Var[] initial, Lengths lengths, Options options) {
        int k = cell.components(), U = cell.units();
        Tensor dv = drive.value();
        if (dv.rank() != 3 || dv.dim(2) != cell.driveWidth()) {
            throw new ShapeException("pararnn: drive must be (T, B, " + cell.driveWidth() + "), found " + Shapes.toString(dv.shape()));
        }
        int T = dv.dim(0), B = dv.dim(1), M = B * U, n = k * M;
        if (lengths != null) lengths.check(B, T);
        int[] len = new int[B];
        for (int b = 0; b < B; b++) len[b] = lengths == null ? T : lengths.get(b);
        Tensor dc = dv.contiguous();
        float[] u = dc.offset() == 0 && dc.data().length == dc.numel() ? dc.data() : dc.copy().data();
        Tensor[] p = new Tensor[params.length];
        for (int i = 0; i < p.length; i++) p[i] = params[i].value().contiguous();
        float[] init = null;
        if (initial != null) {
            if (initial.length != k) throw new ShapeException("pararnn: expected " + k + " initial state tensors, found " + initial.length);
            init = new float[n];
            for (int i = 0; i < k; i++) {
                Tensor s = initial[i].value();
                if (s.rank() != 2 || s.dim(0) != B || s.dim(1) != U) {
                    throw new ShapeException("pararnn: initial state '" + cell.componentNames().get(i) + "' must be (" + B + ", " + U
                            + "), found " + Shapes.toString(s.shape()));
                }
                System.arraycopy(s.contiguous().toArray(), 0, init, i * M, M);
            }
        }

        boolean newton = switch (options.mode()) {
            case SEQUENTIAL -> false;
            case NEWTON -> true;
            case AUTO -> newtonPays(T, B, n);
        };
        NewtonSolver.Solution sol;
        Stats stats;
        if (newton && T > 1) {
            NewtonSolver.Solution ns = NewtonSolver.newton(cell, p, T, B, u, init, lengths == null ? null : len, options.tolerance(),
                    options.maxIterations(), options.strategy());
            sol = ns;
            if (ns.converged()) {
                stats = new Stats(true, ns.iterations(), ns.residual(), ns.tolerance(), false);
                LOG.log(System.Logger.Level.DEBUG, () -> "pararnn: Newton converged in " + ns.iterations() + " iterations, residual "
                        + ns.residual() + " (tol " + ns.tolerance() + "), T=" + T + ", B=" + B);
            } else {
                stats = new Stats(true, sol.iterations(), sol.residual(), sol.tolerance(), true);
                String msg = "pararnn: Newton did not converge in " + sol.iterations() + " iterations (residual " + sol.residual()
                        + " > tolerance " + sol.tolerance() + ", T=" + T + "); falling back to the sequential solve";
                if (WARNED.compareAndSet(false, true)) LOG.log(System.Logger.Level.WARNING, msg + " (reported once per run)");
                else LOG.log(System.Logger.Level.DEBUG, msg);
                sol = NewtonSolver.sequential(cell, p, T, B, u, init);
            }
        } else {
            sol = NewtonSolver.sequential(cell, p, T, B, u, init);
            stats = Stats.SEQUENTIAL;
        }
        float[] h = sol.states();

        int oc = cell.outputComponent();
        Tensor y = Tensor.zeros(T, B, U);
        float[] yd = y.data();
        for (int t = 0; t < T; t++) {
            for (int b = 0; b < B; b++) {
                if (t < len[b]) System.arraycopy(h, t * n + oc * M + b * U, yd, (t * B + b) * U, U);
            }
        }
        Tensor[] fin = new Tensor[k];
        for (int i = 0; i < k; i++) {
            fin[i] = Tensor.zeros(B, U);
            for (int b = 0; b < B; b++) {
                float[] src = len[b] > 0 ? h : init;
                int off = len[b] > 0 ? (len[b] - 1) * n + i * M + b * U : i * M + b * U;
                if (src != null) System.arraycopy(src, off, fin[i].data(), b * U, U);
            }
        }

        Var[] inputs = new Var[1 + params.length + k];
        inputs[0] = drive;
        System.arraycopy(params, 0, inputs, 1, params.length);
        if (initial != null) System.arraycopy(initial, 0, inputs, 1 + params.length, k);
        Tensor[] outs = new Tensor[1 + k];
        outs[0] = y;
        System.arraycopy(fin, 0, outs, 1, k);
        float[] uF = u, initF = init, jacF = sol.jacobians();
        LinearScan.Strategy adjointStrategy = newton ? options.strategy() : LinearScan.Strategy.SEQUENTIAL;
        Var[] o = new Node(inputs) {
            @Override
            protected void backward(Tensor[] g) {
                Backward.run(this::gradOf, cell, p, T, B, len, uF, initF, h, jacF, g, adjointStrategy, params.length);
            }

            @Override
            public String name() {
                return "ParaRnn";
            }
        }.outputs(outs);
        Var[] state = new Var[k];
        System.arraycopy(o, 1, state, 0, k);
        return new Result(o[0], state, stats);
    }
}
