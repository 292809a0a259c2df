package dev.recur.nn;

import dev.recur.autodiff.Var;
import dev.recur.tensor.Tensor;

/** A trainable tensor owned by a {@link Module}; its name is its path in the module tree. */
public final class Parameter extends Var {
    public Parameter(Tensor value) {
        super(value, true);
    }
}
