package dev.recur.loss;

import dev.recur.autodiff.GradCheck;
import dev.recur.autodiff.Var;
import dev.recur.ops.IndexException;
import dev.recur.random.Rng;
import dev.recur.tensor.ShapeException;
import dev.recur.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.function.Function;

import static dev.recur.loss.TorchLossReference.*;
import static dev.recur.testing.TestTensors.randn;
import static dev.recur.testing.TestTensors.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LossTest {
    private static final int IGNORE = CrossEntropy.DEFAULT_IGNORE_INDEX;

    /** Runs a classification loss on the script's (4, 5) logits and compares with PyTorch. */
    private static void matchesTorch(ClassificationLoss loss, int[] targets, double expectLoss, double[] expectGrad) {
        Var x = Var.leaf(Tensor.of(seq(20, 0.37, 0.1, 2.5), 4, 5));
        Var l = loss.apply(x, targets);
        l.backward();
        assertEquals(expectLoss, l.value().item(), 1e-5 * Math.abs(expectLoss));
        double err = GradCheck.relRms(x.grad().toDoubleArray(), expectGrad);
        assertTrue(err < 1e-5, "gradient differs from PyTorch: rel. error " + err);
    }

    private static void matchesTorch(RegressionLoss loss, double expectLoss, double[] expectGrad) {
        Var p = Var.leaf(Tensor.of(seq(12, 0.53, 0.3, 1.5), 3, 4));
        Var q = Var.constant(Tensor.of(seq(12, 0.29, 1.1, 1.2), 3, 4));
        Var l = loss.apply(p, q);
        l.backward();
        assertEquals(expectLoss, l.value().item(), 1e-5 * Math.abs(expectLoss));
        assertTrue(GradCheck.relRms(p.grad().toDoubleArray(), expectGrad) < 1e-5);
    }

    @Test
    void crossEntropyMatchesPyTorch() {
        int[] t = {1, IGNORE, 4, 0};
        matchesTorch(new CrossEntropy(), t, CE_MEAN_LOSS, CE_MEAN_GRAD);
        matchesTorch(new CrossEntropy().withClassWeights(new float[] {0.5f, 1, 2, 1, 0.25f}).withLabelSmoothing(0.1f), t,
                CE_WEIGHTED_SMOOTH_LOSS, CE_WEIGHTED_SMOOTH_GRAD);
        matchesTorch(new CrossEntropy().withLabelSmoothing(0.2f).withReduction(Reduction.SUM), new int[] {1, 2, 4, 0},
                CE_SUM_SMOOTH_LOSS, CE_SUM_SMOOTH_GRAD);
    }

    @Test
    void squaredHingeMatchesPyTorchAndThePaperCode() {
        int[] t = {1, 3, 4, 0};
        matchesTorch(SquaredHinge.westonWatkins(), t, WW_MEAN_LOSS, WW_MEAN_GRAD);
        matchesTorch(SquaredHinge.oneVsRest(), t, OVR_MEAN_LOSS, OVR_MEAN_GRAD);
        matchesTorch(SquaredHinge.oneVsRest().withAverageOverClasses(true), t, OVR_TF_LOSS, OVR_TF_GRAD);
    }

    @Test
    void regressionLossesMatchPyTorch() {
        matchesTorch(new Mse(), MSE_LOSS, MSE_GRAD);
        matchesTorch(new Mae(), L1_LOSS, L1_GRAD);
        matchesTorch(new Huber(0.7, Reduction.MEAN), HUBER_LOSS, HUBER_GRAD);
    }

    // ---- float64 references for the finite-difference checks -------------------------------

    /** Per-row cross-entropy with class weights cw (or null), smoothing eps and row weights w (or null). */
    static double[] crossEntropyRows(double[] x, int c, int[] t, double[] cw, double eps, double[] w, double[] denom) {
        int n = t.length;
        double[] l = new double[n];
        for (int r = 0; r < n; r++) {
            double wr = w == null ? 1 : w[r];
            if (t[r] == IGNORE || wr == 0) continue;
            double m = Double.NEGATIVE_INFINITY, s = 0;
            for (int k = 0; k < c; k++) m = Math.max(m, x[r * c + k]);
            for (int k = 0; k < c; k++) s += Math.exp(x[r * c + k] - m);
            double lse = m + Math.log(s), smooth = 0;
            for (int k = 0; k < c; k++) smooth += (cw == null ? 1 : cw[k]) * (lse - x[r * c + k]);
            double cwt = cw == null ? 1 : cw[t[r]];
            l[r] = wr * ((1 - eps) * cwt * (lse - x[r * c + t[r]]) + eps / c * smooth);
            denom[0] += wr * cwt;
        }
        return l;
    }

    static double[] reduce(double[] l, double denom, Reduction r) {
        double s = 0;
        for (double v : l) s += v;
        return switch (r) {
            case NONE -> l;
            case SUM -> new double[] {s};
            case MEAN -> new double[] {denom > 0 ? s / denom : 0};
        };
    }

    private static void gradCheck(Tensor scores, Function<Var, Var> op, Function<double[], double[]> ref) {
        GradCheck.check(new Tensor[] {scores}, new boolean[] {true}, v -> op.apply(v[0]), d -> ref.apply(d[0]), 5).assertWithin(1e-5);
    }

    @Test
    void crossEntropyGradientsForEveryOption() {
        Rng rng = new Rng(1);
        Tensor x = randn(rng, 2, 3, 4); // (T, B, C): six rows
        int[] t = {3, 0, IGNORE, 2, 2, 1};
        double[] cw = {0.3, 1.7, 1, 0.6};
        double[] w = {1, 0, 2, 0.5, 1, 1};
        Tensor wt = Tensor.fromDoubles(w, 2, 3);
        for (Reduction red : Reduction.values()) {
            for (float eps : new float[] {0f, 0.15f}) {
                CrossEntropy ce = new CrossEntropy().withReduction(red).withLabelSmoothing(eps)
                        .withClassWeights(new float[] {0.3f, 1.7f, 1f, 0.6f});
                gradCheck(x, v -> ce.apply(v, t, wt), d -> {
                    double[] denom = {0};
                    double[] l = crossEntropyRows(d, 4, t, cw, eps, w, denom);
                    return reduce(l, denom[0], red);
                });
            }
        }
        assertArrayEquals(new int[] {2, 3}, new CrossEntropy().withReduction(Reduction.NONE).apply(Var.constant(x), t).shape());
    }

    @Test
    void crossEntropyIsStableForHugeLogitsAndZeroWhenNothingCounts() {
        Var x = Var.leaf(Tensor.of(new float[] {1e4f, -1e4f, 0f, 2e4f}, 2, 2));
        Var l = new CrossEntropy().apply(x, new int[] {0, 0});
        assertEquals(0.5 * 2e4, l.value().item(), 1e-3);
        Var none = Var.leaf(Tensor.of(new float[] {1, 2, 3, 4}, 2, 2));
        Var z = new CrossEntropy().apply(none, new int[] {IGNORE, IGNORE});
        assertEquals(0f, z.value().item());
        z.backward();
        assertArrayEquals(new float[4], none.grad().toArray());
    }

    @Test
    void squaredHingeGradientsForBothForms() {
        Rng rng = new Rng(2);
        Tensor s = uniform(rng, -2f, 2f, 5, 4);
        int[] t = {0, 3, IGNORE, 1, 2};
        double[] w = {1, 0.5, 1, 2, 0};
        for (boolean ww : new boolean[] {false, true}) {
            for (Reduction red : Reduction.values()) {
                SquaredHinge h = (ww ? SquaredHinge.westonWatkins() : SquaredHinge.oneVsRest()).withMargin(0.8f).withReduction(red);
                gradCheck(s, v -> h.apply(v, t, Tensor.fromDoubles(w, 5)), d -> {
                    double[] l = new double[5];
                    double denom = 0;
                    for (int r = 0; r < 5; r++) {
                        if (t[r] == IGNORE || w[r] == 0) continue;
                        double sum = 0;
                        for (int k = 0; k < 4; k++) {
                            double hk = ww ? (k == t[r] ? 0 : Math.max(0, 0.8 - d[r * 4 + t[r]] + d[r * 4 + k]))
                                    : Math.max(0, 0.8 - (k == t[r] ? 1 : -1) * d[r * 4 + k]);
                            sum += hk * hk;
                        }
                        l[r] = w[r] * (ww ? sum / 4 : sum);
                        denom += w[r];
                    }
                    return reduce(l, denom, red);
                });
            }
        }
    }

    @Test
    void regressionGradientsIncludingTargetsAndMasks() {
        Rng rng = new Rng(3);
        Tensor p = randn(rng, 3, 2, 4), q = randn(rng, 3, 2, 4);
        double[] mask = {1, 1, 0, 1, 0.5, 1}; // (T=3, B=2), broadcast over the 4 features
        Tensor m = Tensor.fromDoubles(mask, 3, 2);
        RegressionLoss[] losses = {new Mse(Reduction.MEAN), new Mae(Reduction.SUM), new Huber(0.5, Reduction.NONE), new Huber(0.5, Reduction.MEAN)};
        for (RegressionLoss loss : losses) {
            GradCheck.check(new Tensor[] {p, q}, new boolean[] {true, true}, v -> loss.apply(v[0], v[1], m), d -> {
                double[] l = new double[24];
                double denom = 0;
                for (int i = 0; i < 24; i++) {
                    double diff = d[0][i] - d[1][i], a = Math.abs(diff), wi = mask[i / 4];
                    double f = loss instanceof Mse ? diff * diff : loss instanceof Mae ? a : a < 0.5 ? 0.5 * diff * diff : 0.5 * (a - 0.25);
                    l[i] = wi * f;
                    denom += wi;
                }
                Reduction red = loss instanceof Mse mse ? mse.reduction() : loss instanceof Mae mae ? mae.reduction() : ((Huber) loss).reduction();
                return reduce(l, denom, red);
            }, 6).assertWithin(1e-5);
        }
    }

    @Test
    void badTargetsShapesAndWeightsAreRejected() {
        Var x = Var.constant(Tensor.zeros(3, 4));
        IndexException e = assertThrows(IndexException.class, () -> new CrossEntropy().apply(x, new int[] {0, 4, 1}));
        assertTrue(e.getMessage().contains("target at position 1 is 4, expected 0..3"), e.getMessage());
        assertThrows(IndexException.class, () -> SquaredHinge.oneVsRest().apply(x, new int[] {0, -1, 1}));
        assertThrows(ShapeException.class, () -> new CrossEntropy().apply(x, new int[] {0, 1}));
        assertThrows(ShapeException.class, () -> new CrossEntropy().apply(x, new int[] {0, 1, 2}, Tensor.zeros(2)));
        assertThrows(IllegalArgumentException.class, () -> new CrossEntropy().apply(x, new int[] {0, 1, 2}, Tensor.full(-1f, 3)));
        assertThrows(ShapeException.class, () -> new CrossEntropy().withClassWeights(new float[3]).apply(x, new int[] {0, 1, 2}));
        assertThrows(ShapeException.class, () -> new Mse().apply(x, Var.constant(Tensor.zeros(4, 3))));
        assertThrows(ShapeException.class, () -> new Mse().apply(x, Var.constant(Tensor.zeros(3, 4)), Tensor.zeros(4)));
        assertThrows(IllegalArgumentException.class, () -> new Huber(0, Reduction.MEAN));
        assertThrows(IllegalArgumentException.class, () -> new CrossEntropy().withLabelSmoothing(1.5f));
    }
}
