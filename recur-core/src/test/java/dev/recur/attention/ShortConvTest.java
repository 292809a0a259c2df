package dev.recur.attention;

import dev.recur.autodiff.GradCheck;
import dev.recur.autodiff.Var;
import dev.recur.kernel.scalar.ScalarMath;
import dev.recur.layer.LayerConfig;
import dev.recur.layer.LayerRegistry;
import dev.recur.layer.LayerState;
import dev.recur.layer.Lengths;
import dev.recur.random.Rng;
import dev.recur.ssm.LayerChecks;
import dev.recur.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.recur.ssm.LayerChecks.randn;

class ShortConvTest {
    static final List<String> STATE = List.of("conv");

    @Test
    void layerWithProjectionMatchesTheFloat64Reference() {
        int T = 6, B = 2, I = 3, C = 4, K = 3;
        int[] len = {6, 2};
        ShortConv layer = new ShortConv(I, C, K, true, new Rng(1));
        Rng rng = new Rng(2);
        Map<String, Tensor> sd = layer.stateDict();
        Tensor[] inputs = {randn(rng, 1, T, B, I), sd.get("in_proj.weight"), sd.get("conv.weight"), sd.get("conv.bias"),
                randn(rng, 1, B, C, K - 1)};
        GradCheck.checkAll(inputs, new boolean[] {true, true, true, true, true}, v -> {
            var o = layer.forward(new ShortConv.Weights(v[1], v[2], v[3]), v[0], Lengths.of(len), LayerState.of("conv", v[4]));
            return new Var[] {o.output(), o.state().get("conv")};
        }, x -> {
            double[] u = new double[T * B * C];
            for (int r = 0; r < T * B; r++) for (int c = 0; c < C; c++) for (int i = 0; i < I; i++) u[r * C + c] += x[1][c * I + i] * x[0][r * I + i];
            double[] y = new double[T * B * C], s = new double[B * C * (K - 1)];
            for (int b = 0; b < B; b++) {
                for (int c = 0; c < C; c++) {
                    double[] ext = new double[K - 1 + len[b]];
                    for (int k = 0; k < K - 1; k++) ext[k] = x[4][(b * C + c) * (K - 1) + k];
                    for (int t = 0; t < len[b]; t++) ext[K - 1 + t] = u[(t * B + b) * C + c];
                    for (int t = 0; t < len[b]; t++) {
                        double acc = x[3][c];
                        for (int j = 0; j < K; j++) acc += x[2][c * K + j] * ext[t + j];
                        y[(t * B + b) * C + c] = acc * ScalarMath.sigmoid(acc);
                    }
                    for (int k = 0; k < K - 1; k++) s[(b * C + c) * (K - 1) + k] = ext[len[b] + k];
                }
            }
            return new double[][] {y, s};
        }, 3).assertWithin(1e-4);
    }

    @Test
    void streamingContract() {
        Rng rng = new Rng(10);
        for (int kernel : new int[] {1, 4}) {
            ShortConv layer = (ShortConv) LayerRegistry.create(
                    new LayerConfig("shortconv", 5, 6, Map.of("kernel", String.valueOf(kernel), "activation", "none")), new Rng(11));
            LayerChecks.stepMatchesForward(layer, randn(rng, 1, 8, 2, 5), LayerChecks.randomState(layer, 2, rng, 1), STATE, 12, 1e-5);
            LayerChecks.lengthsMatchPerSequence(layer, randn(rng, 1, 7, 3, 5), new int[] {7, 2, 1},
                    LayerChecks.randomState(layer, 3, rng, 1), STATE, 13, 1e-5);
            LayerChecks.stateRestoresExactly(layer, randn(rng, 1, 5, 2, 5), randn(rng, 1, 4, 2, 5), 1e-5);
        }
    }
}
