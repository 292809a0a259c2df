package dev.recur.loss;

import dev.recur.autodiff.Node;
import dev.recur.autodiff.Var;
import dev.recur.kernel.Parallel;
import dev.recur.tensor.Tensor;

/**
 * The multiclass squared hinge (L2-SVM) loss over class scores with integer targets: the
 * linear-SVM head of GRU-SVM (Agarap 2017). Two forms, with margin {@code m} (default 1):
 * <ul>
 *   <li>{@link #oneVsRest()}: targets become {@code y_c = +1} for the true class and {@code -1}
 *       for the others; the row loss is {@code sum_c max(0, m - y_c s_c)^2}, the paper's formula.
 *       Its published TensorFlow code averages over batch × classes instead, i.e. additionally
 *       divides by C: {@code oneVsRest().withAverageOverClasses(true)}.
 *   <li>{@link #westonWatkins()}: {@code sum_{c != t} max(0, m - s_t + s_c)^2 / C}, PyTorch's
 *       {@code MultiMarginLoss(p=2)} (which divides by C; {@code withAverageOverClasses(false)} sums).
 * </ul>
 * The row losses are then reduced over the batch by the {@link Reduction} (default MEAN: the mean
 * over rows of the per-row sums), with optional row weights and an ignore index as in
 * {@link CrossEntropy}. The SVM's weight penalty {@code ||w||^2} is not part of this loss: use the
 * optimizer's weight decay or add it to the objective.
 */
public final class SquaredHinge implements ClassificationLoss {
    private final boolean westonWatkins, averageOverClasses;
    private final float margin;
    private final Reduction reduction;
    private final int ignoreIndex;

    private SquaredHinge(boolean westonWatkins, boolean averageOverClasses, float margin, Reduction reduction, int ignoreIndex) {
        this.westonWatkins = westonWatkins;
        this.averageOverClasses = averageOverClasses;
        this.margin = margin;
        this.reduction = reduction;
        this.ignoreIndex = ignoreIndex;
    }

    /** One-vs-rest with targets in {-1, +1}, summed over classes, mean over rows. */
    public static SquaredHinge oneVsRest() {
        return new SquaredHinge(false, false, 1f, Reduction.MEAN, CrossEntropy.DEFAULT_IGNORE_INDEX);
    }

    /** The Weston–Watkins form, averaged over classes as PyTorch's MultiMarginLoss(p=2), mean over rows. */
    public static SquaredHinge westonWatkins() {
        return new SquaredHinge(true, true, 1f, Reduction.MEAN, CrossEntropy.DEFAULT_IGNORE_INDEX);
    }

    public SquaredHinge withMargin(float m) {
        return new SquaredHinge(westonWatkins, averageOverClasses, m, reduction, ignoreIndex);
    }

    /** Whether a row's loss is divided by the number of classes. */
    public SquaredHinge withAverageOverClasses(boolean on) {
        return new SquaredHinge(westonWatkins, on, margin, reduction, ignoreIndex);
    }

    public SquaredHinge withReduction(Reduction r) {
        return new SquaredHinge(westonWatkins, averageOverClasses, margin, r, ignoreIndex);
    }

    public SquaredHinge withIgnoreIndex(int index) {
        return new SquaredHinge(westonWatkins, averageOverClasses, margin, reduction, index);
    }

    @Override
    public Var apply(Var scores, int[] targets, Tensor weights) {
        Rows rows = Rows.of("squared hinge", scores.value(), targets, weights, ignoreIndex);
        int n = rows.rows, c = rows.classes;
        float[] s = rows.scores.data();
        int base = rows.scores.offset();
        double perRow = averageOverClasses ? 1.0 / c : 1.0;
        double[] loss = new double[n], denomPart = new double[n];
        Parallel.forRange(n, CrossEntropy.grain(c), (start, end) -> {
            for (int r = start; r < end; r++) {
                int t = rows.targets[r];
                double w = rows.weight(r);
                if (t == ignoreIndex || w == 0) continue;
                int o = base + r * c;
                double sum = 0;
                for (int k = 0; k < c; k++) {
                    double h = slack(s, o, k, t);
                    sum += h * h;
                }
                loss[r] = w * perRow * sum;
                denomPart[r] = w;
            }
        });
        double denom = 0;
        for (double d : denomPart) denom += d;
        double total = denom;
        return new Node(scores) {
            @Override
            protected void backward(Tensor[] g) {
                Tensor dx = gradOf(0);
                float[] d = dx.data();
                int dOff = dx.offset();
                Parallel.forRange(n, CrossEntropy.grain(c), (start, end) -> {
                    for (int r = start; r < end; r++) {
                        int t = rows.targets[r];
                        double w = rows.weight(r);
                        if (t == ignoreIndex || w == 0) continue;
                        double coef = Reducer.coefficient(g[0], r, total, reduction) * w * perRow;
                        int o = base + r * c, od = dOff + r * c;
                        for (int k = 0; k < c; k++) {
                            double h2 = 2 * slack(s, o, k, t);
                            if (h2 == 0) continue;
                            if (westonWatkins) { // h = m - s_t + s_k for k != t
                                d[od + k] += (float) (coef * h2);
                                d[od + t] -= (float) (coef * h2);
                            } else { // h = m - y_k s_k
                                d[od + k] += (float) (coef * h2 * (k == t ? -1 : 1));
                            }
                        }
                    }
                });
            }
        }.output(Reducer.value(loss, denom, reduction, rows.itemShape));
    }

    /** The hinge {@code max(0, ...)} of class k in the row at {@code o} with target t. */
    private double slack(float[] s, int o, int k, int t) {
        if (westonWatkins) return k == t ? 0 : Math.max(0, margin - s[o + t] + (double) s[o + k]);
        return Math.max(0, margin - (k == t ? 1 : -1) * (double) s[o + k]);
    }
}
