package dev.recur.loss;

import dev.recur.autodiff.Node;
import dev.recur.autodiff.Var;
import dev.recur.kernel.Backends;
import dev.recur.kernel.Parallel;
import dev.recur.tensor.Shapes;
import dev.recur.tensor.Tensor;

/**
 * Cross-entropy over logits with integer class targets: a fused, numerically stable log-softmax
 * and negative log-likelihood (PyTorch's {@code cross_entropy} with class-index targets, the class
 * dimension last). Row {@code i} with target {@code t}, class weights {@code cw} (1 without),
 * label smoothing {@code eps} and row weight {@code w_i}:
 * <pre>
 *   l_i = w_i * ((1 - eps) * cw[t] * (lse_i - x_it) + eps / C * sum_c cw[c] * (lse_i - x_ic))
 * </pre>
 * and the MEAN denominator is {@code sum_i w_i * cw[t_i]}, PyTorch's. Rows whose target equals
 * {@code ignoreIndex} count nothing. Immutable: the {@code with...} methods return a modified copy.
 */
public final class CrossEntropy implements ClassificationLoss {
    /** PyTorch's default {@code ignore_index}. */
    public static final int DEFAULT_IGNORE_INDEX = -100;

    private final Reduction reduction;
    private final int ignoreIndex;
    private final float labelSmoothing;
    private final float[] classWeights;

    private CrossEntropy(Reduction reduction, int ignoreIndex, float labelSmoothing, float[] classWeights) {
        if (!(labelSmoothing >= 0f && labelSmoothing <= 1f)) {
            throw new IllegalArgumentException("label smoothing must be in [0, 1], got " + labelSmoothing);
        }
        this.reduction = reduction;
        this.ignoreIndex = ignoreIndex;
        this.labelSmoothing = labelSmoothing;
        this.classWeights = classWeights;
    }

    /** Mean over counted rows, ignore index -100, no smoothing, no class weights. */
    public CrossEntropy() {
        this(Reduction.MEAN, DEFAULT_IGNORE_INDEX, 0f, null);
    }

    public CrossEntropy withReduction(Reduction r) {
        return new CrossEntropy(r, ignoreIndex, labelSmoothing, classWeights);
    }

    public CrossEntropy withIgnoreIndex(int index) {
        return new CrossEntropy(reduction, index, labelSmoothing, classWeights);
    }

    public CrossEntropy withLabelSmoothing(float eps) {
        return new CrossEntropy(reduction, ignoreIndex, eps, classWeights);
    }

    /** Per-class weights (PyTorch's {@code weight}), or null for none. */
    public CrossEntropy withClassWeights(float[] weights) {
        if (weights != null) Rows.itemWeights("cross-entropy class weights", Tensor.of(weights.clone(), weights.length), weights.length);
        return new CrossEntropy(reduction, ignoreIndex, labelSmoothing, weights == null ? null : weights.clone());
    }

    @Override
    public Var apply(Var logits, int[] targets, Tensor weights) {
        Rows rows = Rows.of("cross-entropy", logits.value(), targets, weights, ignoreIndex);
        int n = rows.rows, c = rows.classes;
        if (classWeights != null) Shapes.check("cross-entropy class weights", new int[] {classWeights.length}, c);
        float[] x = rows.scores.data();
        int base = rows.scores.offset();
        double cwSum = 0;
        for (int k = 0; k < c; k++) cwSum += cw(k);
        double sumCw = cwSum, smooth = labelSmoothing;
        // log-probabilities on the backend's row kernel; the backward recovers p = exp(logp)
        float[] logp = new float[n * c];
        double[] loss = new double[n], denomPart = new double[n];
        Parallel.forRange(n, grain(c), (start, end) -> {
            Backends.active().reductions().logSoftmaxRows(x, base + start * c, logp, start * c, end - start, c);
            for (int r = start; r < end; r++) {
                int t = rows.targets[r];
                double w = rows.weight(r);
                if (t == ignoreIndex || w == 0) continue;
                int o = r * c;
                double sm = 0;
                if (smooth > 0) {
                    for (int k = 0; k < c; k++) sm -= cw(k) * logp[o + k];
                }
                loss[r] = w * ((1 - smooth) * cw(t) * -logp[o + t] + smooth / c * sm);
                denomPart[r] = w * cw(t);
            }
        });
        double denom = 0;
        for (double d : denomPart) denom += d;
        double total = denom;
        return new Node(logits) {
            @Override
            protected void backward(Tensor[] g) {
                Tensor dx = gradOf(0);
                float[] d = dx.data();
                int dOff = dx.offset();
                Parallel.forRange(n, grain(c), (start, end) -> {
                    float[] p = new float[c];
                    for (int r = start; r < end; r++) {
                        int t = rows.targets[r];
                        double w = rows.weight(r);
                        if (t == ignoreIndex || w == 0) continue;
                        double coef = Reducer.coefficient(g[0], r, total, reduction) * w;
                        if (coef == 0) continue;
                        Backends.active().activations().exp(logp, r * c, p, 0, c);
                        // d l / d x_k = (1-eps) cw[t] (p_k - [k == t]) + eps/C (sumCw p_k - cw[k])
                        float a = (float) (coef * ((1 - smooth) * cw(t) + smooth / c * sumCw));
                        int od = dOff + r * c;
                        if (classWeights == null) {
                            float b = (float) (coef * smooth / c);
                            for (int k = 0; k < c; k++) d[od + k] += a * p[k] - b;
                        } else {
                            for (int k = 0; k < c; k++) d[od + k] += (float) (a * p[k] - coef * smooth / c * classWeights[k]);
                        }
                        d[od + t] -= (float) (coef * (1 - smooth) * cw(t));
                    }
                });
            }
        }.output(Reducer.value(loss, denom, reduction, rows.itemShape));
    }

    private double cw(int k) {
        return classWeights == null ? 1.0 : classWeights[k];
    }

    /** Rows per parallel chunk: about 16k logits. */
    static int grain(int classes) {
        return Math.max(1, 16384 / classes);
    }
}
