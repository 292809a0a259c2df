package dev.recur.linear;

import dev.recur.autodiff.GradCheck;
import dev.recur.autodiff.GradMode;
import dev.recur.autodiff.Var;
import dev.recur.io.safetensors.Safetensors;
import dev.recur.layer.LayerState;
import dev.recur.layer.Lengths;
import dev.recur.layer.SequenceLayer;
import dev.recur.layer.SequenceOutput;
import dev.recur.layer.StepOutput;
import dev.recur.random.Rng;
import dev.recur.tensor.Tensor;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.recur.linear.Fixtures.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Streaming (step by step = forward), state saved to safetensors and restored, and variable lengths against a per-sequence loop. */
class LayerStreamingTest {
    static final int D = 5, W = 8, H = 2;

    static Stream<LayerCases.Case> cases() {
        return LayerCases.all().stream();
    }

    static SequenceLayer layer(LayerCases.Case c, String mode) {
        SequenceLayer l = c.build(D, W, Map.of("heads", "" + H, "chunk", "4", "mode", mode), 7);
        LayerCheck.perturb(l, new Rng(8), 0.3f);
        return l;
    }

    static void assertClose(Tensor expected, Tensor actual, double tol, String what) {
        double e = GradCheck.relRms(actual.toDoubleArray(), expected.toDoubleArray());
        assertTrue(e <= tol, what + ": relative RMS error " + e);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void stepByStepEqualsForward(LayerCases.Case c) {
        SequenceLayer layer = layer(c, "chunk");
        int T = 9, B = 2;
        Rng rng = new Rng(1);
        Tensor x = randn(rng, 1f, T, B, D);
        LayerState init = LayerState.fromTensors(LayerAgreementTest.randomState(layer, B, rng));
        try (var off = GradMode.off()) {
            SequenceOutput full = layer.forward(Var.constant(x), null, init);
            LayerState s = init;
            for (int t = 0; t < T; t++) {
                StepOutput o = layer.step(Var.constant(x.select(0, t)), s);
                assertClose(full.output().value().select(0, t), o.output().value(), 1e-5, c + " step " + t);
                s = o.state();
            }
            for (String k : full.state().tensors().keySet()) {
                assertClose(full.state().get(k).value(), s.get(k).value(), 1e-5, c + " final state " + k);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void restoredStateContinuesIdentically(LayerCases.Case c, @TempDir Path dir) {
        SequenceLayer layer = layer(c, "auto");
        int T = 12, split = 5, B = 2;
        Tensor x = randn(new Rng(2), 1f, T, B, D);
        try (var off = GradMode.off()) {
            LayerState live = layer.forward(Var.constant(x.narrow(0, 0, split).copy())).state();
            Path file = dir.resolve("state.safetensors");
            Safetensors.write(file, live.toTensors());
            Map<String, Tensor> saved = Safetensors.read(file);
            Var rest = Var.constant(x.narrow(0, split, T - split).copy());
            SequenceOutput fromLive = layer.forward(rest, null, live);
            SequenceOutput fromSaved = layer.forward(rest, null, LayerState.fromTensors(saved));
            assertArrayEquals(fromLive.output().value().toArray(), fromSaved.output().value().toArray(), c + " continuation");
            for (String k : live.tensors().keySet()) {
                assertArrayEquals(fromLive.state().get(k).value().toArray(), fromSaved.state().get(k).value().toArray(), c + " state " + k);
            }
            SequenceOutput whole = layer.forward(Var.constant(x));
            assertClose(whole.output().value().narrow(0, split, T - split), fromSaved.output().value(), 1e-5, c + " vs whole sequence");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void variableLengthsMatchAPerSequenceLoop(LayerCases.Case c) {
        SequenceLayer layer = layer(c, "chunk");
        int T = 10, B = 3;
        int[] lengths = {10, 6, 0};
        Rng rng = new Rng(3);
        Tensor x = randn(rng, 1f, T, B, D);
        Map<String, Tensor> init = LayerAgreementTest.randomState(layer, B, rng);
        List<Tensor> seeds = new ArrayList<>();
        seeds.add(randn(rng, 1f, T, B, W));
        init.values().forEach(v -> seeds.add(randn(rng, 1f, v.shape())));
        Iterator<Tensor> it = seeds.iterator();
        var batched = LayerCheck.run(layer, x, Lengths.of(lengths), init, shape -> it.next());
        Tensor y = Tensor.of(toFloats(batched.outputs().get(0)), T, B, W);
        Tensor dx = Tensor.of(toFloats(batched.grads().get("x")), T, B, D);
        Map<String, double[]> paramSum = new LinkedHashMap<>();
        List<String> keys = new ArrayList<>(init.keySet());
        for (int b = 0; b < B; b++) {
            int len = lengths[b];
            for (int t = len; t < T; t++) {
                assertTrue(isZero(y.select(0, t).select(0, b)), c + ": output past the length of sequence " + b);
                assertTrue(isZero(dx.select(0, t).select(0, b)), c + ": input gradient past the length of sequence " + b);
            }
            for (int i = 0; i < keys.size(); i++) {
                Tensor fin = Tensor.of(toFloats(batched.outputs().get(1 + i)), init.get(keys.get(i)).shape());
                Tensor dInit = Tensor.of(toFloats(batched.grads().get("state." + keys.get(i))), init.get(keys.get(i)).shape());
                if (len == 0) {
                    assertArrayEquals(init.get(keys.get(i)).select(0, b).toArray(), fin.select(0, b).toArray(), c + ": empty sequence keeps its state");
                    assertArrayEquals(seeds.get(1 + i).select(0, b).toArray(), dInit.select(0, b).toArray(), c + ": empty sequence passes dState");
                }
            }
            if (len == 0) continue;
            final int bb = b;
            Map<String, Tensor> init1 = new LinkedHashMap<>();
            init.forEach((k, v) -> init1.put(k, v.narrow(0, bb, 1).copy()));
            List<Tensor> seeds1 = new ArrayList<>();
            seeds1.add(seeds.get(0).narrow(0, 0, len).narrow(1, b, 1).copy());
            for (int i = 0; i < keys.size(); i++) seeds1.add(seeds.get(1 + i).narrow(0, b, 1).copy());
            Iterator<Tensor> it1 = seeds1.iterator();
            var single = LayerCheck.run(layer, x.narrow(0, 0, len).narrow(1, b, 1).copy(), null, init1, shape -> it1.next());
            assertClose(Tensor.of(toFloats(single.outputs().get(0)), len, 1, W), y.narrow(0, 0, len).narrow(1, b, 1), 1e-5, c + " output of " + b);
            assertClose(Tensor.of(toFloats(single.grads().get("x")), len, 1, D), dx.narrow(0, 0, len).narrow(1, b, 1), 1e-5, c + " dx of " + b);
            for (int i = 0; i < keys.size(); i++) {
                int[] shape = init.get(keys.get(i)).shape();
                Tensor fin = Tensor.of(toFloats(batched.outputs().get(1 + i)), shape);
                Tensor dInit = Tensor.of(toFloats(batched.grads().get("state." + keys.get(i))), shape);
                shape[0] = 1;
                assertClose(Tensor.of(toFloats(single.outputs().get(1 + i)), shape), fin.narrow(0, b, 1), 1e-5, c + " final " + keys.get(i));
                assertClose(Tensor.of(toFloats(single.grads().get("state." + keys.get(i))), shape), dInit.narrow(0, b, 1), 1e-5,
                        c + " d initial " + keys.get(i));
            }
            single.grads().forEach((k, g) -> {
                if (k.equals("x") || k.startsWith("state.")) return;
                double[] acc = paramSum.computeIfAbsent(k, key -> new double[g.length]);
                for (int j = 0; j < g.length; j++) acc[j] += g[j];
            });
        }
        paramSum.forEach((k, g) -> {
            double e = GradCheck.relRms(batched.grads().get(k), g);
            assertTrue(e <= 1e-5, c + ": parameter " + k + " gradient vs the per-sequence sum: " + e);
        });
    }

    private static float[] toFloats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }

    private static boolean isZero(Tensor t) {
        for (float v : t.toArray()) if (v != 0f) return false;
        return true;
    }
}
