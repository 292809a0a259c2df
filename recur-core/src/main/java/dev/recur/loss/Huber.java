package dev.recur.loss;

import dev.recur.autodiff.Var;
import dev.recur.tensor.Tensor;

/**
 * Huber loss per element of {@code d = prediction - target} (PyTorch's {@code HuberLoss}):
 * {@code d^2 / 2} for {@code |d| < delta}, else {@code delta * (|d| - delta / 2)}.
 */
public record Huber(double delta, Reduction reduction) implements RegressionLoss {
    public Huber {
        if (!(delta > 0) || Double.isInfinite(delta)) throw new IllegalArgumentException("Huber delta must be > 0 and finite, got " + delta);
    }

    /** PyTorch's default: delta 1, mean. */
    public Huber() {
        this(1.0, Reduction.MEAN);
    }

    @Override
    public Var apply(Var prediction, Var target, Tensor weights) {
        double dl = delta;
        return Elementwise.apply("huber", new Elementwise.Fn() {
            @Override
            public double value(double d) {
                double a = Math.abs(d);
                return a < dl ? 0.5 * d * d : dl * (a - 0.5 * dl);
            }

            @Override
            public double slope(double d) {
                return Math.max(-dl, Math.min(dl, d));
            }
        }, reduction, prediction, target, weights);
    }
}
