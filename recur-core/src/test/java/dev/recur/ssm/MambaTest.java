package dev.recur.ssm;

import dev.recur.autodiff.GradCheck;
import dev.recur.autodiff.Var;
import dev.recur.layer.LayerConfig;
import dev.recur.layer.LayerRegistry;
import dev.recur.layer.LayerState;
import dev.recur.layer.Lengths;
import dev.recur.random.Rng;
import dev.recur.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.recur.ssm.LayerChecks.randn;
import static org.junit.jupiter.api.Assertions.assertEquals;

class MambaTest {
    static final List<String> STATE = List.of("conv", "ssm");

    static void checkScan(int T, int B, int E, int N, int[] len, boolean gated, double deltaShift, long seed) {
        Rng rng = new Rng(seed);
        List<Tensor> in = new ArrayList<>(List.of(randn(rng, 1, T, B, E), randn(rng, 1, T, B, E), randn(rng, 1, T, B, N),
                randn(rng, 1, T, B, N)));
        for (int i = 0; i < in.get(1).numel(); i++) in.get(1).data()[i] += (float) deltaShift;
        if (gated) in.add(randn(rng, 1, T, B, E));
        Tensor aLog = Tensor.zeros(E, N);
        for (int i = 0; i < E * N; i++) aLog.data()[i] = (float) (Math.log(i % N + 1) + 0.2 * rng.nextGaussian());
        in.add(aLog);
        in.add(randn(rng, 1, E));
        in.add(randn(rng, 1, B, E, N));
        Tensor[] inputs = in.toArray(new Tensor[0]);
        boolean[] diff = new boolean[inputs.length];
        java.util.Arrays.fill(diff, true);
        GradCheck.Result r = GradCheck.checkAll(inputs, diff, v -> {
            int k = 4;
            Var z = gated ? v[k++] : null;
            SelectiveScan.Output o = SelectiveScan.apply(v[0], v[1], v[2], v[3], z, v[k], v[k + 1], v[k + 2],
                    len == null ? null : Lengths.of(len));
            return new Var[] {o.y(), o.state()};
        }, x -> MambaReference.scan(x, T, B, E, N, len, gated), seed + 1);
        try {
            r.assertWithin(1e-4);
        } catch (AssertionError e) {
            throw new AssertionError("scan T=" + T + " E=" + E + " shift=" + deltaShift + ": " + e.getMessage(), e);
        }
    }

    @Test
    void scanMatchesTheReferenceAcrossChunksAndTiles() {
        // T = 70 crosses the 64-step chunk; E = 70 spans two 64-channel tiles.
        checkScan(70, 2, 3, 2, new int[] {70, 65}, true, 0, 1);
        checkScan(4, 2, 70, 2, null, true, 0, 6);
        checkScan(9, 3, 5, 4, new int[] {9, 3, 0}, true, 0, 2);
        checkScan(9, 2, 5, 4, new int[] {4, 9}, false, 0, 3);
    }

    @Test
    void scanFromVeryWeakToVeryStrongSteps() {
        checkScan(12, 2, 4, 3, new int[] {12, 5}, true, -12, 4); // delta ~ 6e-6: the state barely moves
        checkScan(12, 2, 4, 3, new int[] {12, 5}, true, 6, 5);   // delta ~ 6: the state forgets within a step
    }

    static void checkConv(int T, int B, int C, int K, int[] len, boolean silu, long seed) {
        Rng rng = new Rng(seed);
        Tensor[] inputs = {randn(rng, 1, T, B, C), randn(rng, 0.5, C, 1, K), randn(rng, 0.5, C), randn(rng, 1, B, C, K - 1)};
        GradCheck.Result r = GradCheck.checkAll(inputs, new boolean[] {true, true, true, true}, v -> {
            CausalConv.Output o = CausalConv.apply(v[0], v[1], v[2], v[3], len == null ? null : Lengths.of(len), silu);
            return new Var[] {o.y(), o.state()};
        }, x -> MambaReference.conv(x, T, B, C, K, len, silu), seed + 1);
        r.assertWithin(1e-4);
    }

    @Test
    void causalConvMatchesTheReferenceForEveryWidth() {
        for (int K = 1; K <= 5; K++) {
            checkConv(7, 3, 5, K, new int[] {7, 2, 0}, true, 10 + K);
            checkConv(6, 2, 3, K, null, false, 20 + K);
        }
    }

    static Mamba layer(int in, int h, long seed) {
        return new Mamba(in, h, 3, 2, 3, 2, 1e-3, 1e-1, new Rng(seed));
    }

    static void checkLayer(boolean withState, int[] len, long seed) {
        int T = 5, B = 2, I = 3, H = 4, E = 8, N = 3, K = 3, R = 2;
        Mamba layer = layer(I, H, seed);
        Rng rng = new Rng(seed + 1);
        Mamba.Weights w = layer.weights();
        Tensor[] inputs = {randn(rng, 1, T, B, I), w.inProj().value(), w.convWeight().value(), w.convBias().value(),
                w.xProj().value(), w.dtWeight().value(), w.dtBias().value(), w.aLog().value(), w.d().value(),
                w.outProj().value(), withState ? randn(rng, 1, B, E, K - 1) : Tensor.zeros(B, E, K - 1),
                withState ? randn(rng, 1, B, E, N) : Tensor.zeros(B, E, N)};
        boolean[] diff = new boolean[inputs.length];
        java.util.Arrays.fill(diff, true);
        diff[10] = diff[11] = withState; // without a state the op gets null, so there is no gradient to check
        GradCheck.checkAll(inputs, diff, v -> {
            Mamba.Weights ws = new Mamba.Weights(v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9]);
            LayerState s0 = withState ? new LayerState(Map.of("conv", v[10], "ssm", v[11])) : null;
            var o = layer.forward(ws, v[0], len == null ? null : Lengths.of(len), s0);
            return new Var[] {o.output(), o.state().get("conv"), o.state().get("ssm")};
        }, x -> MambaReference.layer(x, new MambaReference.Dims(T, B, I, H, E, N, K, R), len), seed + 2).assertWithin(1e-4);
    }

    @Test
    void layerMatchesTheFloat64Reference() {
        checkLayer(true, new int[] {5, 3}, 1);
        checkLayer(false, null, 4);
    }

    @Test
    void stepFormMatchesTheScan() {
        Rng rng = new Rng(10);
        Mamba layer = layer(5, 6, 11);
        // 70 steps: the scan crosses a chunk boundary that the step form never sees.
        LayerChecks.stepMatchesForward(layer, randn(rng, 1, 70, 2, 5), LayerChecks.randomState(layer, 2, rng, 0.5), STATE, 12, 1e-4);
    }

    @Test
    void variableLengthsMatchAPerSequenceLoop() {
        Rng rng = new Rng(20);
        Mamba layer = layer(4, 4, 21);
        LayerChecks.lengthsMatchPerSequence(layer, randn(rng, 1, 11, 3, 4), new int[] {11, 6, 1},
                LayerChecks.randomState(layer, 3, rng, 0.5), STATE, 22, 1e-4);
    }

    @Test
    void stateSerializesAndRestoresWithIdenticalContinuation() {
        Rng rng = new Rng(30);
        LayerChecks.stateRestoresExactly(layer(4, 4, 31), randn(rng, 1, 9, 2, 4), randn(rng, 1, 6, 2, 4), 1e-4);
    }

    @Test
    void registeredWithMambaSimpleNamesAndDefaults() {
        Mamba m = (Mamba) LayerRegistry.create(new LayerConfig("mamba", 32, 32), new Rng(1));
        Map<String, int[]> want = new java.util.LinkedHashMap<>();
        want.put("in_proj.weight", new int[] {128, 32});
        want.put("conv1d.weight", new int[] {64, 1, 4});
        want.put("conv1d.bias", new int[] {64});
        want.put("x_proj.weight", new int[] {2 + 32, 64});
        want.put("dt_proj.weight", new int[] {64, 2});
        want.put("dt_proj.bias", new int[] {64});
        want.put("A_log", new int[] {64, 16});
        want.put("D", new int[] {64});
        want.put("out_proj.weight", new int[] {32, 64});
        Map<String, Tensor> sd = m.stateDict();
        assertEquals(want.keySet(), sd.keySet());
        want.forEach((k, s) -> org.junit.jupiter.api.Assertions.assertArrayEquals(s, sd.get(k).shape(), k));
        // softplus(dt_proj.bias) is the initial dt, within [dt_min, dt_max]
        for (float b : sd.get("dt_proj.bias").toArray()) {
            double dt = dev.recur.kernel.scalar.ScalarMath.softplus(b);
            org.junit.jupiter.api.Assertions.assertTrue(dt >= 0.999e-3 && dt <= 0.1001, "dt " + dt);
        }
        assertEquals(Math.log(16), sd.get("A_log").get(5, 15), 1e-6);
    }
}
