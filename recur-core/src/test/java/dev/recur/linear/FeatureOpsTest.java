package dev.recur.linear;

import dev.recur.autodiff.GradCheck;
import dev.recur.autodiff.Var;
import dev.recur.layer.Lengths;
import dev.recur.random.Rng;
import dev.recur.ssm.CausalConv;
import dev.recur.tensor.Tensor;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static dev.recur.linear.Fixtures.randn;

/** Finite-difference checks in float64 of the layers' smaller ops: feature maps, decay gate, gated norm, short convolution. */
class FeatureOpsTest {
    @Test
    void logSigmoidAndL2Normalize() {
        Rng rng = new Rng(1);
        Tensor x = randn(rng, 3f, 3, 2, 8);
        GradCheck.check(new Tensor[] {x}, new boolean[] {true}, v -> FeatureMaps.logSigmoid(v[0], 1f / 16),
                r -> RefOps.logSigmoid(r[0], 1.0 / 16), 2).assertWithin(1e-5);
        GradCheck.check(new Tensor[] {x}, new boolean[] {true}, v -> FeatureMaps.l2Normalize(v[0], 4, 0.5f),
                r -> RefOps.l2Normalize(r[0], 4, 0.5), 3).assertWithin(1e-5);
    }

    @Test
    void decayGate() {
        Rng rng = new Rng(2);
        Tensor a = randn(rng, 2f, 4, 2, 3), aLog = DecayGate.initialALog(3, rng), dt = DecayGate.initialDtBias(3, rng);
        GradCheck.checkAll(new Tensor[] {a, aLog, dt}, new boolean[] {true, true, true},
                v -> new Var[] {DecayGate.apply(v[0], v[1], v[2])}, r -> new double[][] {RefOps.decay(r[0], r[1], r[2])}, 4)
                .assertWithin(1e-5);
    }

    @ParameterizedTest
    @EnumSource(GatedRmsNorm.Gate.class)
    void gatedRmsNorm(GatedRmsNorm.Gate gate) {
        int T = 4, B = 2, H = 2, dv = 3;
        int[] lengths = {4, 2};
        Rng rng = new Rng(3);
        GatedRmsNorm norm = new GatedRmsNorm(dv, gate);
        Tensor o = randn(rng, 1f, T, B, H * dv), z = randn(rng, 1.5f, T, B, H * dv), w = randn(rng, 1f, dv);
        boolean gated = gate != GatedRmsNorm.Gate.NONE;
        Heads geo = new Heads(T, B, H);
        // The weight is the module's own parameter; its gradient is checked with every layer's parameters (LayerCheck).
        GradCheck.checkAll(new Tensor[] {o, z}, new boolean[] {true, gated}, v -> {
            norm.loadStateDict(Map.of("weight", w), true, "test");
            return new Var[] {norm.apply(v[0], gated ? v[1] : null, geo, Lengths.of(lengths))};
        }, r -> new double[][] {RefOps.gatedRmsNorm(r[0], gated ? r[1] : null, w.toDoubleArray(),
                gate == GatedRmsNorm.Gate.SIGMOID, T, B, H, dv, lengths)}, 6).assertWithin(1e-5);
    }

    @Test
    void shortConvolutionWithStateAndLengths() {
        int T = 5, B = 2, C = 3, K = 3;
        int[] lengths = {5, 1};
        Rng rng = new Rng(4);
        CausalConv conv = new CausalConv(C, K, false, rng);
        Tensor x = randn(rng, 1f, T, B, C), s0 = randn(rng, 1f, B, C, K - 1);
        Tensor w = conv.stateDict().get("weight").copy();
        GradCheck.checkAll(new Tensor[] {x, s0, w}, new boolean[] {true, true, true},
                v -> {
                    CausalConv.Output o = CausalConv.apply(v[0], v[2], null, v[1], Lengths.of(lengths), true);
                    return new Var[] {o.y(), o.state()};
                },
                r -> RefOps.shortConv(r[0], r[2], r[1], T, B, C, K, lengths), 7).assertWithin(1e-5);
    }
}
