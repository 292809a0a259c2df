package dev.recur.linear;

import dev.recur.autodiff.Backprop;
import dev.recur.autodiff.GradCheck;
import dev.recur.autodiff.GradMode;
import dev.recur.autodiff.Var;
import dev.recur.random.Rng;
import dev.recur.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Random inputs and form-against-form comparisons for the linear-attention tests. */
final class Fixtures {
    private Fixtures() {}

    static Tensor randn(Rng rng, float std, int... shape) {
        Tensor t = Tensor.zeros(shape);
        rng.fillNormal(t.data(), 0, t.numel(), 0f, std);
        return t;
    }

    static Tensor uniform(Rng rng, float lo, float hi, int... shape) {
        Tensor t = Tensor.zeros(shape);
        rng.fillUniform(t.data(), 0, t.numel(), lo, hi);
        return t;
    }

    /** Outputs and input gradients of one run with fixed upstream gradients. */
    record Run(List<double[]> outputs, List<double[]> grads) {}

    /**
     * Runs {@code op} on fresh leaves of {@code inputs} and backpropagates upstream gradients drawn
     * from {@code seed}; returns every output and every input gradient (zeros where none flowed).
     */
    static Run run(Tensor[] inputs, Function<Var[], Var[]> op, long seed) {
        Var[] leaves = new Var[inputs.length];
        for (int i = 0; i < inputs.length; i++) leaves[i] = inputs[i] == null ? null : Var.leaf(inputs[i].copy());
        Var[] outs;
        try (var on = GradMode.on()) {
            outs = op.apply(leaves);
        }
        Rng rng = new Rng(seed);
        List<Var> roots = new ArrayList<>();
        List<Tensor> seeds = new ArrayList<>();
        List<double[]> values = new ArrayList<>();
        for (Var o : outs) {
            values.add(o.value().toDoubleArray());
            Tensor s = randn(rng, 1f, o.shape());
            if (o.requiresGrad()) {
                roots.add(o);
                seeds.add(s);
            }
        }
        Backprop.run(roots.toArray(new Var[0]), seeds.toArray(new Tensor[0]));
        List<double[]> grads = new ArrayList<>();
        for (Var l : leaves) {
            if (l == null) continue;
            grads.add(l.grad() == null ? new double[l.value().numel()] : l.grad().toDoubleArray());
        }
        return new Run(values, grads);
    }

    /** Asserts that two runs agree on every output and gradient to a relative RMS error of {@code tol}. */
    static void assertSameRun(Run expected, Run actual, double tol, String what) {
        StringBuilder report = new StringBuilder();
        double worst = 0;
        for (int i = 0; i < expected.outputs().size(); i++) {
            double e = GradCheck.relRms(actual.outputs().get(i), expected.outputs().get(i));
            worst = Math.max(worst, e);
            report.append(String.format("  output %d: %.3g%n", i, e));
        }
        for (int i = 0; i < expected.grads().size(); i++) {
            double e = GradCheck.relRms(actual.grads().get(i), expected.grads().get(i));
            worst = Math.max(worst, e);
            report.append(String.format("  grad %d: %.3g%n", i, e));
        }
        assertTrue(worst <= tol, what + " (tolerance " + tol + "):\n" + report);
    }
}
