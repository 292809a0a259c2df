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
    record Run(Map<String, double[]> values) {
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
        Map<String, Tensor> dState = new LinkedHashMap<>();
        initial.toTensors().forEach((k, v) -> {
            if (stateGrads.contains(k)) dState.put(k, randn(rng, 1, v.shape()));
        });
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

    @FunctionalInterface
    interface Body {
        Object[] apply(Var x, LayerState initial);
    }

    /** Runs body on fresh leaves, backpropagates the seeds, and collects values and gradients. */
    static Run run(SequenceLayer layer, Tensor x, LayerState initial, List<String> stateGrads, Body body,
                   Tensor dy, Map<String, Tensor> dState) {
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
        dState.forEach((k, g) -> {
            Var v = s.get(k);
            if (v.requiresGrad()) {
                roots.add(v);
                seeds.add(g);
            }
        });
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
        return new Run(out);
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
        Map<String, Tensor> dState = new LinkedHashMap<>();
        initial.toTensors().forEach((k, v) -> {
            if (stateGrads.contains(k)) dState.put(k, randn(rng, 1, v.shape()));
        });
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
            Map<String, Tensor> sb = new LinkedHashMap<>(), dsb = new LinkedHashMap<>();
            initial.toTensors().forEach((k, v) -> sb.put(k, v.narrow(0, bb, 1).copy()));
            dState.forEach((k, v) -> dsb.put(k, v.narrow(0, bb, 1).copy()));
            Run one = run(layer, xb, LayerState.fromTensors(sb), stateGrads, (xv, s0) -> {
                SequenceOutput o = layer.forward(xv, null, s0);
                return new Object[] {o.output(), o.state()};
            }, dy.narrow(1, b, 1).narrow(0, 0, L).copy(), dsb);
            double[] want = one.values().get("output"), got = new double[want.length];
            for (int t = 0; t < L; t++) for (int o = 0; o < O; o++) got[t * O + o] = out[(t * B + b) * O + o];
            assertTrue(GradCheck.relRms(got, want) <= tol, "output of sequence " + b);
            for (String k : sb.keySet()) {
                double[] all = batch.values().get("state " + k);
                double[] mine = one.values().get("state " + k);
                double[] slice = java.util.Arrays.copyOfRange(all, b * mine.length, (b + 1) * mine.length);
                assertTrue(GradCheck.relRms(slice, mine) <= tol, "final state " + k + " of sequence " + b);
            }
            double[] gx = batch.values().get("grad input"), gxb = one.values().get("grad input");
            int I = x.dim(2);
            double[] gotGx = new double[gxb.length];
            for (int t = 0; t < L; t++) for (int i = 0; i < I; i++) gotGx[t * I + i] = gx[(t * B + b) * I + i];
            assertTrue(GradCheck.relRms(gotGx, gxb) <= tol, "input gradient of sequence " + b);
            for (int t = L; t < T; t++) for (int i = 0; i < I; i++) assertEquals(0.0, gx[(t * B + b) * I + i], "gradient past the length");
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
