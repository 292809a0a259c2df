package dev.recur.linear;

import dev.recur.autodiff.GradCheck;
import dev.recur.autodiff.Var;
import dev.recur.layer.Lengths;
import dev.recur.random.Rng;
import dev.recur.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static dev.recur.linear.Fixtures.randn;
import static dev.recur.linear.Fixtures.uniform;

/** The delta-rule core's forms (DeltaNet, gated, DeltaProduct) against the float64 recurrence and each other. */
class DeltaCoreTest {
    static final int B = 2, H = 2, DK = 3, DV = 4;

    /**
     * Inputs q, k, v, β, g, S_0 with unit-norm keys (as the layers feed them), β uniform in
     * (0, betaMax), and log decays g = −exp(N(mu, 0.5)) (mu = NaN: ungated).
     */
    static Tensor[] inputs(long seed, int T, int nh, float betaMax, double mu) {
        Rng rng = new Rng(seed);
        Tensor k = randn(rng, 1f, T, B, H * nh * DK);
        float[] d = k.data();
        for (int r = 0; r < d.length; r += DK) {
            double n = 0;
            for (int i = 0; i < DK; i++) n += d[r + i] * d[r + i];
            for (int i = 0; i < DK; i++) d[r + i] /= (float) Math.sqrt(n);
        }
        Tensor g = null;
        if (!Double.isNaN(mu)) {
            g = randn(rng, 0.5f, T, B, H);
            for (int i = 0; i < g.numel(); i++) g.data()[i] = (float) -Math.exp(g.data()[i] + mu);
        }
        return new Tensor[] {randn(rng, 0.5f, T, B, H * DK), k, randn(rng, 1f, T, B, H * nh * DV),
                uniform(rng, 0f, betaMax, T, B, H * nh), g, randn(rng, 1f, B, H, DK, DV)};
    }

    static Var[] op(Var[] x, int T, int nh, Form form, int[] lengths) {
        return DeltaOp.apply(new Heads(T, B, H), lengths == null ? null : Lengths.of(lengths), form, nh, DK, DV,
                x[0], x[1], x[2], x[3], x[4], x[5]);
    }

    static double[][] ref(double[][] x, int T, int nh, int[] lengths) {
        return CoreReference.delta(x[0], x[1], x[2], x[3], x[4], x[5], T, B, H, nh, DK, DV, lengths);
    }

    static Tensor[] present(Tensor[] x) {
        return java.util.Arrays.stream(x).filter(java.util.Objects::nonNull).toArray(Tensor[]::new);
    }

    @ParameterizedTest(name = "T={0} nh={1} chunk={2} beta<{3} mu={4} chunked={5}")
    @CsvSource({
            "19, 1, 8, 1, NaN, true", "19, 1, 8, 1, NaN, false", "19, 1, 8, 2, NaN, true", "19, 1, 8, 2, -1.0, true",
            "19, 1, 8, 1, -1.0, false", "19, 1, 8, 1, 2.5, true", "19, 1, 8, 1, -7.0, true", "7, 1, 64, 1, 0.0, true",
            "11, 2, 6, 2, NaN, true", "11, 2, 6, 2, NaN, false", "11, 3, 9, 1, -1.0, true", "11, 3, 9, 1, -1.0, false"})
    void formsMatchTheFloat64Recurrence(int T, int nh, int chunk, float betaMax, double mu, boolean chunked) {
        int[] lengths = {T, T - 4};
        Tensor[] all = inputs(T * 17L + nh, T, nh, betaMax, mu);
        boolean gated = all[4] != null;
        Tensor[] x = present(all);
        boolean[] diff = new boolean[x.length];
        java.util.Arrays.fill(diff, true);
        GradCheck.checkAll(x, diff,
                v -> op(gated ? v : new Var[] {v[0], v[1], v[2], v[3], null, v[4]}, T, nh, new Form(chunked, chunk), lengths),
                v -> ref(gated ? v : new double[][] {v[0], v[1], v[2], v[3], null, v[4]}, T, nh, lengths), 5).assertWithin(1e-4);
    }

    @ParameterizedTest(name = "T={0} nh={1} chunk={2} beta<{3} mu={4}")
    @CsvSource({"100, 1, 64, 1, NaN", "100, 1, 64, 2, -2.0", "70, 1, 32, 1, 3.0", "50, 2, 64, 2, -1.0", "40, 3, 30, 1, NaN",
            "5, 1, 64, 1, 0.0"})
    void chunkwiseMatchesRecurrent(int T, int nh, int chunk, float betaMax, double mu) {
        Tensor[] all = inputs(T + nh, T, nh, betaMax, mu);
        boolean gated = all[4] != null;
        int[] lengths = {T, Math.max(0, T - 37)};
        Tensor[] x = present(all);
        var chunkRun = Fixtures.run(x, v -> op(gated ? v : new Var[] {v[0], v[1], v[2], v[3], null, v[4]}, T, nh,
                new Form(true, chunk), lengths), 9);
        var stepRun = Fixtures.run(x, v -> op(gated ? v : new Var[] {v[0], v[1], v[2], v[3], null, v[4]}, T, nh,
                new Form(false, chunk), lengths), 9);
        Fixtures.assertSameRun(stepRun, chunkRun, 2e-5, "delta rule chunkwise vs recurrent");
    }
}
