package dev.recur.linear;

import dev.recur.autodiff.GradCheck;
import dev.recur.autodiff.Var;
import dev.recur.layer.Lengths;
import dev.recur.random.Rng;
import dev.recur.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static dev.recur.linear.Fixtures.randn;

/** The GLA core's forms against the float64 recurrence and against each other. */
class GlaCoreTest {
    static final int B = 2, H = 2, DK = 3, DV = 4;

    /** Inputs q, k, v, g, S_0 with log decays g = −exp(N(mu, 0.5)): mu −7 is almost no decay, +2.5 forgets at once. */
    static Tensor[] inputs(long seed, int T, double mu) {
        Rng rng = new Rng(seed);
        Tensor g = randn(rng, 0.5f, T, B, H * DK);
        for (int i = 0; i < g.numel(); i++) g.data()[i] = (float) -Math.exp(g.data()[i] + mu);
        return new Tensor[] {randn(rng, 1f, T, B, H * DK), randn(rng, 1f, T, B, H * DK), randn(rng, 1f, T, B, H * DV), g,
                randn(rng, 1f, B, H, DK, DV)};
    }

    static Var[] op(Var[] x, int T, Form form, int[] lengths) {
        return GlaOp.apply(new Heads(T, B, H), lengths == null ? null : Lengths.of(lengths), form, DK, DV, x[0], x[1], x[2], x[3], x[4]);
    }

    static double[][] ref(double[][] x, int T, int[] lengths) {
        return CoreReference.gla(x[0], x[1], x[2], x[3], x[4], T, B, H, DK, DV, lengths);
    }

    @ParameterizedTest(name = "T={0} chunk={1} mu={2} chunked={3}")
    @CsvSource({
            "45, 40, -1.0, true", "45, 40, -1.0, false", "7, 64, -1.0, true", "33, 16, -7.0, true",
            "33, 16, 2.5, true", "33, 16, 2.5, false", "21, 8, 0.5, true", "40, 32, 4.5, true", "40, 32, 1.0, true"})
    void formsMatchTheFloat64Recurrence(int T, int chunk, double mu, boolean chunked) {
        int[] lengths = {T, T - 5};
        GradCheck.checkAll(inputs(T * 31L, T, mu), new boolean[] {true, true, true, true, true},
                x -> op(x, T, new Form(chunked, chunk), lengths), x -> ref(x, T, lengths), 5).assertWithin(1e-4);
    }

    @ParameterizedTest(name = "T={0} chunk={1} mu={2}")
    @CsvSource({"100, 64, -1.0", "70, 32, 2.0", "64, 64, -6.0", "5, 64, 0.0"})
    void chunkwiseMatchesRecurrent(int T, int chunk, double mu) {
        Tensor[] x = inputs(T, T, mu);
        int[] lengths = {T, Math.max(0, T - 37)};
        var chunkRun = Fixtures.run(x, v -> op(v, T, new Form(true, chunk), lengths), 9);
        var stepRun = Fixtures.run(x, v -> op(v, T, new Form(false, chunk), lengths), 9);
        Fixtures.assertSameRun(stepRun, chunkRun, 2e-5, "GLA chunkwise vs recurrent");
    }
}
