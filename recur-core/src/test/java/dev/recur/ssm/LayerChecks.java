package dev.recur.ssm;

import dev.recur.autodiff.Backprop;
import dev.recur.autodiff.GradCheck;
import dev.recur.autodiff.GradMode;
import dev.recur.autodiff.Var;
import dev.recur.io.safetensors.Safetensors;
import dev.recur.layer.LayerState;
import dev.recur.layer.Lengths;
import dev.recur.layer.SequenceLayer;
import dev.recur.layer.SequenceOutput;
import dev.recur.layer.StepOutput;
import dev.recur.nn.Parameter;
import dev.recur.random.Rng;
import dev.recur.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The streaming contract every sequence layer of this package is held to, form against form:
 * the step form run over a sequence equals the sequence form (outputs, final state and every
 * gradient: input, parameters, initial state, with random upstream gradients); a padded batch
 * with lengths equals a loop over its sequences; a state written to safetensors and read back
 * continues exactly like the original. States are assumed batch-first.
 */
public final class LayerChecks {
    private LayerChecks() {}

    public static Tensor randn(Rng rng, double std, int... shape) {
        Tensor t = Tensor.zeros(shape);
        rng.fillNormal(t.data(), 0, t.numel(), 0f, (float) std);
        return t;
    }

    /** Everything one run produced: output, final state, gradients (input, parameters, initial state). */
    record Run(Map<String, double[]> values, Map<String, Tensor> state) {
        void assertMatches(Run other, double tol, String what) {
            assertEquals(values.keySet(), other.values.keySet(), what + ": different entries");
            for (String k : values.keySet()) {
                double err = GradCheck.relRms(other.values.get(k), values.get(k));
                assertTrue(err <= tol, what + ": " + k + " differs, relative RMS error " + err);
            }
        }
    }

    /** A random initial state: the layer's zero state filled with noise. */
    public static LayerState randomState(SequenceLayer layer, int batch, Rng rng, double std) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        layer.zeroState(batch).toTensors().forEach((k, v) -> m.put(k, randn(rng, std, v.shape())));
        return LayerState.fromTensors(m);
    }

    /**
     * Sequence form against the step form over the same inputs: outputs, final state and all
     * gradients under random upstream gradients. {@code stateGrads} names the state tensors that
     * take gradients (others, such as positions, are constants).
     */
    public static void stepMatchesForward(SequenceLayer layer, Tensor x, LayerState initial, List<String> stateGrads,
                                          long seed, double tol) {
        Rng rng = new Rng(seed);
        int T = x.dim(0);
        Tensor dy = randn(rng, 1, T, x.dim(1), layer.outputSize());
        StateSeeds dState = (k, shape) -> randn(new Rng(seed * 31 + k.hashCode()), 1, shape);
        Run seq = run(layer, x, initial, stateGrads, (xv, s0) -> {
            SequenceOutput o = layer.forward(xv, null, s0);
            return new Object[] {o.output(), o.state()};
        }, dy, dState);
        Run steps = run(layer, x, initial, stateGrads, (xv, s0) -> {
            List<Var> outs = new ArrayList<>();
            LayerState s = s0;
            for (int t = 0; t < T; t++) {
                StepOutput o = layer.step(dev.recur.ops.Shape.select(xv, 0, t), s);
                outs.add(o.output());
                s = o.state();
            }
            return new Object[] {dev.recur.ops.Shape.stack(0, outs.toArray(new Var[0])), s};
        }, dy, dState);
        seq.assertMatches(steps, tol, "step form vs sequence form");
    }

    /** The upstream gradient of a final-state tensor, given its name and shape (caches may grow). */
    @FunctionalInterface
    interface StateSeeds {
        Tensor seed(String name, int[] shape);
    }

    @FunctionalInterface
    interface Body {
        Object[] apply(Var x, LayerState initial);
    }

    /** Runs body on fresh leaves, backpropagates the seeds, and collects values and gradients. */
    static Run run(SequenceLayer layer, Tensor x, LayerState initial, List<String> stateGrads, Body body,
                   Tensor dy, StateSeeds dState) {
        layer.zeroGrad();
        Var xv = Var.leaf(x.copy());
        Map<String, Var> s0 = new LinkedHashMap<>();
        initial.toTensors().forEach((k, v) -> s0.put(k, stateGrads.contains(k) ? Var.leaf(v.copy()) : Var.constant(v.copy())));
        Object[] r;
        try (var on = GradMode.on()) {
            r = body.apply(xv, new LayerState(s0));
        }
        Var y = (Var) r[0];
        LayerState s = (LayerState) r[1];
        List<Var> roots = new ArrayList<>(List.of(y));
        List<Tensor> seeds = new ArrayList<>(List.of(dy));
        for (String k : stateGrads) {
            Var v = s.get(k);
            if (v.requiresGrad()) {
                roots.add(v);
                seeds.add(dState.seed(k, v.shape()));
            }
        }
        Backprop.run(roots.toArray(new Var[0]), seeds.toArray(new Tensor[0]));
        Map<String, double[]> out = new LinkedHashMap<>();
        out.put("output", y.value().toDoubleArray());
        s.toTensors().forEach((k, v) -> out.put("state " + k, v.toDoubleArray()));
        out.put("grad input", grad(xv));
        for (Map.Entry<String, Parameter> e : layer.namedParameters().entrySet()) out.put("grad " + e.getKey(), grad(e.getValue()));
        s0.forEach((k, v) -> {
            if (v.requiresGrad()) out.put("grad state " + k, grad(v));
        });
        layer.zeroGrad();
        return new Run(out, s.toTensors());
    }

    private static double[] grad(Var v) {
        return v.grad() == null ? new double[v.value().numel()] : v.grad().toDoubleArray();
    }

    /**
     * A padded batch with lengths against each sequence alone: outputs (and zeros past each
     * length), final states, and the gradients of the input and parameters.
     */
    public static void lengthsMatchPerSequence(SequenceLayer layer, Tensor x, int[] lengths, LayerState initial,
                                               List<String> stateGrads, long seed, double tol) {
        Rng rng = new Rng(seed);
        int T = x.dim(0), B = x.dim(1);
        Tensor dy = randn(rng, 1, T, B, layer.outputSize());
        Map<String, Tensor> batchSeeds = new LinkedHashMap<>();
        StateSeeds dState = (k, shape) -> batchSeeds.computeIfAbsent(k, n -> randn(new Rng(seed * 31 + n.hashCode()), 1, shape));
        Run batch = run(layer, x, initial, stateGrads, (xv, s0) -> {
            SequenceOutput o = layer.forward(xv, Lengths.of(lengths), s0);
            return new Object[] {o.output(), o.state()};
        }, dy, dState);
        double[] out = batch.values().get("output");
        int O = layer.outputSize();
        Map<String, double[]> params = new LinkedHashMap<>();
        for (int b = 0; b < B; b++) {
            int L = lengths[b], bb = b;
            for (int t = L; t < T; t++) {
                for (int o = 0; o < O; o++) assertEquals(0.0, out[(t * B + b) * O + o], "output past the length of sequence " + b);
            }
            Tensor xb = x.narrow(1, b, 1).narrow(0, 0, L).copy();
            Map<String, Tensor> sb = new LinkedHashMap<>();
            initial.toTensors().forEach((k, v) -> sb.put(k, v.narrow(0, bb, 1).copy()));
            // A sequence's own state may be smaller than its slice of the batch's (a cache sized to the longest).
            StateSeeds oneSeeds = (k, shape) -> leading(batchSeeds.get(k).narrow(0, bb, 1), shape);
            Run one = run(layer, xb, LayerState.fromTensors(sb), stateGrads, (xv, s0) -> {
                SequenceOutput o = layer.forward(xv, null, s0);
                return new Object[] {o.output(), o.state()};
            }, dy.narrow(1, b, 1).narrow(0, 0, L).copy(), oneSeeds);
            double[] want = one.values().get("output"), got = new double[want.length];
            for (int t = 0; t < L; t++) for (int o = 0; o < O; o++) got[t * O + o] = out[(t * B + b) * O + o];
            assertTrue(GradCheck.relRms(got, want) <= tol, "output of sequence " + b);
            Map<String, Tensor> batchState = batch.state(), oneState = one.state();
            for (String k : oneState.keySet()) {
                Tensor mine = oneState.get(k), slice = leading(batchState.get(k).narrow(0, bb, 1), mine.shape());
                assertTrue(GradCheck.relRms(slice.toDoubleArray(), mine.toDoubleArray()) <= tol, "final state " + k + " of sequence " + b);
            }
            double[] gx = batch.values().get("grad input"), gxb = one.values().get("grad input");
            int I = x.dim(2);
            double[] gotGx = new double[gxb.length];
            for (int t = 0; t < L; t++) for (int i = 0; i < I; i++) gotGx[t * I + i] = gx[(t * B + b) * I + i];
            assertTrue(GradCheck.relRms(gotGx, gxb) <= tol, "input gradient of sequence " + b);
            for (int t = L; t < T; t++) for (int i = 0; i < I; i++) assertEquals(0.0, gx[(t * B + b) * I + i], "gradient past the length");
            for (String k : stateGrads) {
                double[] all = batch.values().get("grad state " + k), mine = one.values().get("grad state " + k);
                double[] slice = java.util.Arrays.copyOfRange(all, b * mine.length, (b + 1) * mine.length);
                assertTrue(GradCheck.relRms(slice, mine) <= tol, "initial state gradient " + k + " of sequence " + b);
            }
            one.values().forEach((k, v) -> {
                if (k.startsWith("grad ") && !k.equals("grad input") && !k.startsWith("grad state")) {
                    params.merge(k, v.clone(), (a, c) -> {
                        for (int i = 0; i < a.length; i++) a[i] += c[i];
                        return a;
                    });
                }
            });
        }
        params.forEach((k, v) -> assertTrue(GradCheck.relRms(batch.values().get(k), v) <= tol, k + " summed over sequences"));
    }

    /** The leading block of {@code t} with the given shape (each dimension cut to its first entries). */
    static Tensor leading(Tensor t, int[] shape) {
        Tensor r = t;
        for (int d = 0; d < shape.length; d++) r = r.narrow(d, 0, shape[d]);
        return r.copy();
    }

    /**
     * Runs x1, writes the state to safetensors bytes and reads it back, and continues with x2 from
     * both the original and the restored state: identical bits. The continuation also matches one
     * forward pass over x1 followed by x2.
     */
    public static void stateRestoresExactly(SequenceLayer layer, Tensor x1, Tensor x2, double tol) {
        try (var off = GradMode.off()) {
            SequenceOutput first = layer.forward(Var.constant(x1));
            byte[] bytes = Safetensors.toBytes(first.state().toTensors(), Map.of());
            LayerState restored = LayerState.fromTensors(Safetensors.read(bytes, "state"));
            Tensor a = layer.forward(Var.constant(x2), null, first.state()).output().value();
            Tensor b = layer.forward(Var.constant(x2), null, restored).output().value();
            org.junit.jupiter.api.Assertions.assertArrayEquals(a.toArray(), b.toArray(), "continuation from the restored state");
            int T1 = x1.dim(0), T2 = x2.dim(0);
            Tensor both = Tensor.zeros(T1 + T2, x1.dim(1), x1.dim(2));
            both.narrow(0, 0, T1).copyFrom(x1);
            both.narrow(0, T1, T2).copyFrom(x2);
            Tensor whole = layer.forward(Var.constant(both)).output().value().narrow(0, T1, T2);
            double err = GradCheck.relRms(a.toDoubleArray(), whole.toDoubleArray());
            assertTrue(err <= tol, "continuation vs one pass: " + err);
        }
    }
}
