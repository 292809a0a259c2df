package dev.recur.loss;

import dev.recur.autodiff.Var;
import dev.recur.tensor.Tensor;

/**
 * A loss over class scores {@code (..., C)} (every leading position is one row, as in a (T, B, C)
 * sequence of logits) and one integer target per row, in row-major order.
 */
public interface ClassificationLoss {
    /**
     * @param weights one non-negative weight per row (shape of the leading dimensions, or flat), or null
     * @return a scalar, or the per-row losses for {@link Reduction#NONE}
     */
    Var apply(Var scores, int[] targets, Tensor weights);

    default Var apply(Var scores, int[] targets) {
        return apply(scores, targets, null);
    }
}
