package dev.recur.nn;

import dev.recur.autodiff.Var;

/**
 * A module with one input and one output, the unit that {@link Sequential} chains and
 * {@link Residual} wraps: projections, norms, activations, dropout, MLPs.
 */
public abstract class UnaryModule extends Module {
    public abstract Var forward(Var x);
}
