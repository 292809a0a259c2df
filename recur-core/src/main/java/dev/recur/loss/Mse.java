package dev.recur.loss;

import dev.recur.autodiff.Var;
import dev.recur.tensor.Tensor;

/** Mean squared error {@code (prediction - target)^2} per element (PyTorch's {@code MSELoss}). */
public record Mse(Reduction reduction) implements RegressionLoss {
    private static final Elementwise.Fn FN = new Elementwise.Fn() {
        @Override
        public double value(double d) {
            return d * d;
        }

        @Override
        public double slope(double d) {
            return 2 * d;
        }
    };

    public Mse() {
        this(Reduction.MEAN);
    }

    @Override
    public Var apply(Var prediction, Var target, Tensor weights) {
        return Elementwise.apply("mse", FN, reduction, prediction, target, weights);
    }
}
