package dev.recur.loss;

import dev.recur.autodiff.Var;
import dev.recur.tensor.Tensor;

/** An elementwise loss between a prediction and a same-shape target (the target may require a gradient too). */
public interface RegressionLoss {
    /**
     * @param weights non-negative weights whose shape is a leading part of the prediction's (a (T, B)
     *                mask for a (T, B, F) prediction weighs every feature of a step alike), or null
     * @return a scalar, or the per-element losses for {@link Reduction#NONE}
     */
    Var apply(Var prediction, Var target, Tensor weights);

    default Var apply(Var prediction, Var target) {
        return apply(prediction, target, null);
    }
}
