package dev.recur.linear;

import dev.recur.autodiff.GradCheck;
import dev.recur.autodiff.Var;
import dev.recur.layer.Lengths;
import dev.recur.random.Rng;
import dev.recur.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static dev.recur.linear.Fixtures.randn;

/** The mLSTM cell's forms against the float64 stabilised recurrence and against each other. */
class MlstmCoreTest {
    static final int B = 2, H = 2, DK = 3, DV = 4;

    /**
     * Inputs q, k, v, ĩ, log f, C_0, n_0, m_0: forget pre-activations N(fMean, 1) (6: f ≈ 1,
     * −6: forgets at once) and input pre-activations N(iMean, 2) (large: the stabiliser works).
     */
    static Tensor[] inputs(long seed, int T, double fMean, double iMean) {
        Rng rng = new Rng(seed);
        Tensor lf = randn(rng, 1f, T, B, H), ig = randn(rng, 2f, T, B, H);
        for (int i = 0; i < lf.numel(); i++) {
            double z = lf.data()[i] + fMean;
            lf.data()[i] = (float) (z > 0 ? -Math.log1p(Math.exp(-z)) : z - Math.log1p(Math.exp(z)));
            ig.data()[i] += (float) iMean;
        }
        return new Tensor[] {randn(rng, 1f, T, B, H * DK), randn(rng, 0.6f, T, B, H * DK), randn(rng, 1f, T, B, H * DV), ig, lf,
                randn(rng, 1f, B, H, DK, DV), randn(rng, 1f, B, H, DK), randn(rng, 1f, B, H)};
    }

    static Var[] op(Var[] x, int T, Form form, int[] lengths) {
        return MlstmOp.apply(new Heads(T, B, H), lengths == null ? null : Lengths.of(lengths), form, DK, DV,
                x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7]);
    }

    @ParameterizedTest(name = "T={0} chunk={1} f={2} i={3} chunked={4}")
    @CsvSource({"19, 8, 3.0, 0.0, true", "19, 8, 3.0, 0.0, false", "19, 8, -6.0, 0.0, true", "19, 8, 8.0, 5.0, true",
            "19, 8, 8.0, 5.0, false", "19, 8, 0.0, -6.0, true", "6, 64, 1.0, 1.0, true", "33, 16, 2.0, 10.0, true"})
    void formsMatchTheFloat64Recurrence(int T, int chunk, double fMean, double iMean, boolean chunked) {
        int[] lengths = {T, T - 4};
        boolean[] diff = new boolean[8];
        java.util.Arrays.fill(diff, true);
        GradCheck.checkAll(inputs(T * 13L + chunk, T, fMean, iMean), diff, x -> op(x, T, new Form(chunked, chunk), lengths),
                x -> CoreReference.mlstm(x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7], T, B, H, DK, DV, lengths), 5)
                .assertWithin(1e-4);
    }

    @ParameterizedTest(name = "T={0} chunk={1} f={2} i={3}")
    @CsvSource({"100, 64, 3.0, 0.0", "70, 32, -3.0, 4.0", "64, 64, 8.0, -2.0", "5, 64, 0.0, 0.0"})
    void chunkwiseMatchesRecurrent(int T, int chunk, double fMean, double iMean) {
        Tensor[] x = inputs(T, T, fMean, iMean);
        int[] lengths = {T, Math.max(0, T - 37)};
        var chunkRun = Fixtures.run(x, v -> op(v, T, new Form(true, chunk), lengths), 9);
        var stepRun = Fixtures.run(x, v -> op(v, T, new Form(false, chunk), lengths), 9);
        Fixtures.assertSameRun(stepRun, chunkRun, 2e-5, "mLSTM chunkwise vs recurrent");
    }
}
