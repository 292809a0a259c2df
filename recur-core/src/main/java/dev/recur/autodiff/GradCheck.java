package dev.recur.autodiff;

import dev.recur.random.Rng;
import dev.recur.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Checks a float32 op against its float64 reference: the forward values, and the analytic
 * gradients of the op's backward against central finite differences of the reference in double
 * precision. The loss is {@code sum_k sum(g_k * y_k)} with random upstream gradients {@code g_k},
 * so every output element and every gradient path is exercised.
 *
 * <p>Errors are relative RMS: {@code ||a - r|| / max(||r||, 1e-6 sqrt(n))}. Layers use the same
 * harness with their naive float64 implementations as the reference.
 */
public final class GradCheck {
    private GradCheck() {}

    /** A float32 op over leaf inputs, returning its outputs. */
    @FunctionalInterface
    public interface Op32 {
        Var[] apply(Var[] inputs);
    }

    /** The float64 reference: flattened inputs (row-major) to flattened outputs. */
    @FunctionalInterface
    public interface Ref64 {
        double[][] apply(double[][] inputs);
    }

    /** The relative errors found, one per output and one per checked input. */
    public record Result(double[] forwardErrors, double[] gradErrors, String report) {
        public double worst() {
            double w = 0;
            for (double e : forwardErrors) w = Math.max(w, e);
            for (double e : gradErrors) if (!Double.isNaN(e)) w = Math.max(w, e);
            return w;
        }

        /** Throws {@link AssertionError} with the report unless every error is within {@code tol}. */
        public Result assertWithin(double tol) {
            if (!(worst() <= tol)) throw new AssertionError("gradient check failed (tolerance " + tol + "):\n" + report);
            return this;
        }
    }

    /** Single-output convenience. */
    public static Result check(Tensor[] inputs, boolean[] differentiable, Function<Var[], Var> op,
                               Function<double[][], double[]> ref, long seed) {
        return checkAll(inputs, differentiable, v -> new Var[] {op.apply(v)}, x -> new double[][] {ref.apply(x)}, seed);
    }

    /**
     * @param inputs         the op's inputs (copied; the originals are not modified)
     * @param differentiable which inputs to differentiate (others are passed as constants, e.g. indices)
     */
    public static Result checkAll(Tensor[] inputs, boolean[] differentiable, Op32 op, Ref64 ref, long seed) {
        int n = inputs.length;
        Var[] vars = new Var[n];
        double[][] x64 = new double[n][];
        for (int i = 0; i < n; i++) {
            Tensor t = inputs[i].copy();
            vars[i] = differentiable[i] ? Var.leaf(t) : Var.constant(t);
            x64[i] = t.toDoubleArray();
        }
        Var[] outs;
        try (var on = GradMode.on()) {
            outs = op.apply(vars);
        }
        double[][] y64 = ref.apply(copy(x64));
        if (y64.length != outs.length) {
            throw new IllegalArgumentException("op returned " + outs.length + " outputs, reference " + y64.length);
        }
        Rng rng = new Rng(seed);
        double[][] g = new double[outs.length][];
        StringBuilder report = new StringBuilder();
        double[] fwd = new double[outs.length];
        List<Var> roots = new ArrayList<>();
        List<Tensor> seeds = new ArrayList<>();
        for (int k = 0; k < outs.length; k++) {
            double[] y32 = outs[k].value().toDoubleArray();
            if (y32.length != y64[k].length) {
                throw new IllegalArgumentException("output " + k + " has " + y32.length + " elements, reference " + y64[k].length);
            }
            fwd[k] = relRms(y32, y64[k]);
            report.append(String.format("  output %d %s: forward rel. RMS error %.3g%n", k,
                    java.util.Arrays.toString(outs[k].shape()), fwd[k]));
            g[k] = new double[y32.length];
            float[] gf = new float[y32.length];
            for (int j = 0; j < gf.length; j++) {
                gf[j] = (float) rng.nextGaussian();
                g[k][j] = gf[j];
            }
            if (outs[k].requiresGrad()) {
                roots.add(outs[k]);
                seeds.add(Tensor.of(gf, outs[k].shape()));
            }
        }
        if (!roots.isEmpty()) Backprop.run(roots.toArray(new Var[0]), seeds.toArray(new Tensor[0]));

        double[] gradErr = new double[n];
        for (int i = 0; i < n; i++) {
            if (!differentiable[i]) {
                gradErr[i] = Double.NaN;
                continue;
            }
            double[] fd = new double[x64[i].length];
            for (int j = 0; j < fd.length; j++) {
                double x0 = x64[i][j], h = 1e-5 * Math.max(1, Math.abs(x0));
                double[][] xp = copy(x64), xm = copy(x64);
                xp[i][j] = x0 + h;
                xm[i][j] = x0 - h;
                fd[j] = (loss(ref.apply(xp), g) - loss(ref.apply(xm), g)) / (2 * h);
            }
            Tensor gt = vars[i].grad();
            double[] an = gt == null ? new double[fd.length] : gt.toDoubleArray();
            gradErr[i] = relRms(an, fd);
            report.append(String.format("  input %d %s: gradient rel. RMS error %.3g (|fd| = %.3g)%n", i,
                    java.util.Arrays.toString(inputs[i].shape()), gradErr[i], norm(fd)));
        }
        return new Result(fwd, gradErr, report.toString());
    }

    private static double loss(double[][] y, double[][] g) {
        double s = 0;
        for (int k = 0; k < y.length; k++) for (int j = 0; j < y[k].length; j++) s += y[k][j] * g[k][j];
        return s;
    }

    /** {@code ||a - r|| / max(||r||, 1e-6 sqrt(n))}. */
    public static double relRms(double[] a, double[] r) {
        double d = 0, s = 0;
        for (int i = 0; i < a.length; i++) {
            double e = a[i] - r[i];
            d += e * e;
            s += r[i] * r[i];
        }
        double floor = 1e-6 * Math.sqrt(Math.max(1, a.length));
        return Math.sqrt(d) / Math.max(Math.sqrt(s), floor);
    }

    private static double norm(double[] a) {
        double s = 0;
        for (double v : a) s += v * v;
        return Math.sqrt(s);
    }

    private static double[][] copy(double[][] x) {
        double[][] c = new double[x.length][];
        for (int i = 0; i < x.length; i++) c[i] = x[i].clone();
        return c;
    }
}
