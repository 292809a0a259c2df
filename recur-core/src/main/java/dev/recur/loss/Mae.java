package dev.recur.loss;

import dev.recur.autodiff.Var;
import dev.recur.tensor.Tensor;

/**
 * Mean absolute error (L1) {@code |prediction - target|} per element (PyTorch's {@code L1Loss});
 * the derivative at 0 is taken as 0, as {@code sign(0)} in PyTorch.
 */
public record Mae(Reduction reduction) implements RegressionLoss {
    private static final Elementwise.Fn FN = new Elementwise.Fn() {
        @Override
        public double value(double d) {
            return Math.abs(d);
        }

        @Override
        public double slope(double d) {
            return Math.signum(d);
        }
    };

    public Mae() {
        this(Reduction.MEAN);
    }

    @Override
    public Var apply(Var prediction, Var target, Tensor weights) {
        return Elementwise.apply("mae", FN, reduction, prediction, target, weights);
    }
}
