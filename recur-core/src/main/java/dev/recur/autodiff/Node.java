package dev.recur.autodiff;

import dev.recur.tensor.Tensor;

/**
 * One recorded operation: its inputs and a backward function. An op computes its result, then
 * wraps it with {@link #output} (or {@link #outputs} for several results); when no input needs a
 * gradient, or gradients are off ({@link GradMode}), the result is a plain constant and nothing is
 * recorded. Ops may be coarse: a whole recurrent layer over a sequence is one node.
 *
 * <p>Backward contract: {@link #backward} receives the gradient of each output (null where none
 * flowed) and must ADD each input's gradient into {@link #gradOf}(i), never overwrite it, because
 * an input may feed several ops.
 */
public abstract class Node {
    private final Var[] inputs;
    private Var[] outputs;

    protected Node(Var... inputs) {
        this.inputs = inputs.clone();
    }

    /** Whether gradients are on and any of {@code inputs} requires one. */
    public static boolean gradNeeded(Var... inputs) {
        if (!GradMode.isEnabled()) return false;
        for (Var v : inputs) if (v != null && v.requiresGrad()) return true;
        return false;
    }

    /** Wraps the single result of this op. */
    public final Var output(Tensor value) {
        return outputs(value)[0];
    }

    /** Wraps the results of this op, recording it when a gradient is needed. */
    public final Var[] outputs(Tensor... values) {
        if (this.outputs != null) throw new IllegalStateException("outputs already created for " + getClass().getName());
        boolean record = gradNeeded(inputs);
        Var[] out = new Var[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = record ? new Var(values[i], true, this, i) : Var.constant(values[i]);
        }
        if (record) this.outputs = out;
        return out;
    }

    /** Adds each input's gradient into {@link #gradOf}; {@code gradOutputs[i]} is null when output i got none. */
    protected abstract void backward(Tensor[] gradOutputs);

    /** The buffer to add input {@code i}'s gradient into, or null when that input needs none. */
    protected final Tensor gradOf(int i) {
        Var v = inputs[i];
        return v != null && v.requiresGrad() ? v.gradBuffer() : null;
    }

    protected final boolean needsGrad(int i) {
        return inputs[i] != null && inputs[i].requiresGrad();
    }

    protected final Var input(int i) {
        return inputs[i];
    }

    final Var[] inputs() {
        return inputs;
    }

    final Var[] recordedOutputs() {
        return outputs;
    }

    /** A short name for error messages and debugging. */
    public String name() {
        String n = getClass().getSimpleName();
        return n.isEmpty() ? getClass().getName() : n;
    }
}
