package dev.recur.linear;

import dev.recur.autodiff.Backprop;
import dev.recur.autodiff.GradCheck;
import dev.recur.autodiff.GradMode;
import dev.recur.autodiff.Var;
import dev.recur.layer.LayerState;
import dev.recur.layer.Lengths;
import dev.recur.layer.SequenceLayer;
import dev.recur.layer.SequenceOutput;
import dev.recur.nn.Parameter;
import dev.recur.random.Rng;
import dev.recur.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@link GradCheck#checkAll}'s check for a whole layer, whose parameters are its own leaves: the
 * float32 layer against its float64 reference, forward values and the analytic gradients of x,
 * every parameter and every initial state tensor against central finite differences of the
 * reference, with random upstream gradients on the output and every final state tensor.
 */
final class LayerCheck {
    private LayerCheck() {}

    /** Everything a run produced: outputs (y, then state tensors) and gradients by input name. */
    record Run(List<double[]> outputs, Map<String, double[]> grads) {}

    /** Runs the layer and backpropagates upstream gradients drawn from {@code seed} (one per output, in order). */
    static Run run(SequenceLayer layer, Tensor x, Lengths lengths, Map<String, Tensor> init, long seed) {
        Rng rng = new Rng(seed);
        return run(layer, x, lengths, init, shape -> Fixtures.randn(rng, 1f, shape));
    }

    /** Runs the layer and backpropagates the upstream gradients that {@code seeds} gives for each output's shape. */
    static Run run(SequenceLayer layer, Tensor x, Lengths lengths, Map<String, Tensor> init, Function<int[], Tensor> seedFor) {
        layer.zeroGrad();
        Var xv = Var.leaf(x.copy());
        Map<String, Var> stateLeaves = new LinkedHashMap<>();
        if (init != null) init.forEach((k, v) -> stateLeaves.put(k, Var.leaf(v.copy())));
        SequenceOutput out;
        try (var on = GradMode.on()) {
            out = layer.forward(xv, lengths, init == null ? null : new LayerState(stateLeaves));
        }
        List<Var> outs = new ArrayList<>();
        outs.add(out.output());
        outs.addAll(out.state().tensors().values());
        List<Var> roots = new ArrayList<>();
        List<Tensor> seeds = new ArrayList<>();
        List<double[]> values = new ArrayList<>();
        for (Var o : outs) {
            values.add(o.value().toDoubleArray());
            Tensor s = seedFor.apply(o.shape());
            if (o.requiresGrad()) {
                roots.add(o);
                seeds.add(s);
            }
        }
        Backprop.run(roots.toArray(new Var[0]), seeds.toArray(new Tensor[0]));
        Map<String, double[]> grads = new LinkedHashMap<>();
        grads.put("x", gradOf(xv));
        layer.namedParameters().forEach((k, p) -> grads.put(k, gradOf(p)));
        stateLeaves.forEach((k, v) -> grads.put("state." + k, gradOf(v)));
        return new Run(values, grads);
    }

    private static double[] gradOf(Var v) {
        return v.grad() == null ? new double[v.value().numel()] : v.grad().toDoubleArray();
    }

    /** The layer's inputs by name, as the reference takes them. */
    static Map<String, double[]> inputs(SequenceLayer layer, Tensor x, Map<String, Tensor> init) {
        Map<String, double[]> m = new LinkedHashMap<>();
        m.put("x", x.toDoubleArray());
        layer.namedParameters().forEach((k, p) -> m.put(k, p.value().toDoubleArray()));
        if (init != null) init.forEach((k, v) -> m.put("state." + k, v.toDoubleArray()));
        return m;
    }

    /** Asserts every relative RMS error (forward and gradient) is within {@code tol}; returns the report. */
    static String check(SequenceLayer layer, Tensor x, Lengths lengths, Map<String, Tensor> init,
                        Function<Map<String, double[]>, double[][]> ref, long seed, double tol) {
        Run run = run(layer, x, lengths, init, seed);
        Map<String, double[]> in = inputs(layer, x, init);
        double[][] y64 = ref.apply(in);
        Rng rng = new Rng(seed);
        double[][] g = new double[y64.length][];
        StringBuilder report = new StringBuilder();
        double worst = 0;
        if (y64.length != run.outputs().size()) {
            throw new AssertionError("layer gave " + run.outputs().size() + " outputs, reference " + y64.length);
        }
        for (int k = 0; k < y64.length; k++) {
            double e = GradCheck.relRms(run.outputs().get(k), y64[k]);
            worst = Math.max(worst, e);
            report.append(String.format("  output %d: forward %.3g%n", k, e));
            Tensor s = Fixtures.randn(rng, 1f, y64[k].length);
            g[k] = s.toDoubleArray();
        }
        for (Map.Entry<String, double[]> e : in.entrySet()) {
            double[] x0 = e.getValue(), fd = new double[x0.length];
            for (int j = 0; j < x0.length; j++) {
                double keep = x0[j], h = 1e-5 * Math.max(1, Math.abs(keep));
                x0[j] = keep + h;
                double lp = loss(ref.apply(in), g);
                x0[j] = keep - h;
                double lm = loss(ref.apply(in), g);
                x0[j] = keep;
                fd[j] = (lp - lm) / (2 * h);
            }
            double err = GradCheck.relRms(run.grads().get(e.getKey()), fd);
            worst = Math.max(worst, err);
            report.append(String.format("  d%s: %.3g (|fd| = %.3g)%n", e.getKey(), err, norm(fd)));
        }
        if (!(worst <= tol)) throw new AssertionError("layer gradient check failed (tolerance " + tol + "):\n" + report);
        return report.toString();
    }

    private static double loss(double[][] y, double[][] g) {
        double s = 0;
        for (int k = 0; k < y.length; k++) for (int j = 0; j < y[k].length; j++) s += y[k][j] * g[k][j];
        return s;
    }

    private static double norm(double[] a) {
        double s = 0;
        for (double v : a) s += v * v;
        return Math.sqrt(s);
    }

    /** Adds N(0, std) noise to every parameter, so that no initialisation structure (zero weights, equal biases) hides a path. */
    static void perturb(SequenceLayer layer, Rng rng, float std) {
        for (Parameter p : layer.parameters()) {
            float[] d = p.value().data();
            for (int i = 0; i < d.length; i++) d[i] += (float) (std * rng.nextGaussian());
        }
    }
}
