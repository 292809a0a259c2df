package dev.recur.autodiff;

import dev.recur.tensor.Tensor;

/**
 * A tensor in the autodiff graph: its value, the gradient accumulated into it by a backward pass,
 * and the {@link Node} that produced it (null for leaves and constants).
 *
 * <p>Leaves that require gradients (parameters, inputs under a gradient check) keep their gradient
 * after {@link #backward}; intermediate results drop theirs once used, unless {@link #retainGrad()}.
 */
public class Var {
    private final Tensor value;
    private final boolean requiresGrad;
    final Node creator;
    final int outputIndex;
    private Tensor grad;
    private boolean retainGrad;

    protected Var(Tensor value, boolean requiresGrad) {
        this(value, requiresGrad, null, 0);
    }

    Var(Tensor value, boolean requiresGrad, Node creator, int outputIndex) {
        if (value == null) throw new NullPointerException("value");
        this.value = value;
        this.requiresGrad = requiresGrad;
        this.creator = creator;
        this.outputIndex = outputIndex;
    }

    /** A value that no gradient flows into. */
    public static Var constant(Tensor value) {
        return new Var(value, false);
    }

    /** A leaf whose gradient is accumulated by backward passes. */
    public static Var leaf(Tensor value) {
        return new Var(value, true);
    }

    public final Tensor value() {
        return value;
    }

    /** The accumulated gradient, or null if no backward pass has reached this variable. */
    public final Tensor grad() {
        return grad;
    }

    public final boolean requiresGrad() {
        return requiresGrad;
    }

    public final boolean isLeaf() {
        return creator == null;
    }

    /** Keeps this intermediate result's gradient after backward (for inspection, TBPTT state grads). */
    public final Var retainGrad() {
        retainGrad = true;
        return this;
    }

    /** The same value, cut from the graph. */
    public final Var detach() {
        return constant(value);
    }

    public final int[] shape() {
        return value.shape();
    }

    public final int dim(int d) {
        return value.dim(d);
    }

    public final int rank() {
        return value.rank();
    }

    /** Forgets the accumulated gradient. */
    public final void zeroGrad() {
        if (grad != null) grad.fill(0f);
    }

    /** Backpropagates from this one-element variable with seed 1. */
    public final void backward() {
        if (value.numel() != 1) {
            throw new IllegalStateException("backward() without a seed needs a one-element result, this one has shape "
                    + java.util.Arrays.toString(value.shape()));
        }
        backward(Tensor.full(1f, value.shape()));
    }

    /** Backpropagates from this variable with the given upstream gradient. */
    public final void backward(Tensor seed) {
        Backprop.run(new Var[] {this}, new Tensor[] {seed});
    }

    /** The accumulation buffer, allocated as zeros on first use. */
    final Tensor gradBuffer() {
        if (grad == null) grad = Tensor.zeros(value.shape());
        return grad;
    }

    final boolean keepsGrad() {
        return creator == null || retainGrad;
    }

    final void dropGrad() {
        grad = null;
    }

    @Override
    public String toString() {
        return "Var(" + value + (requiresGrad ? ", requiresGrad" : "") + ")";
    }
}
