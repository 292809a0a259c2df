package dev.recur.layer;

import dev.recur.autodiff.Var;
import dev.recur.nn.Module;

/**
 * A causal sequence layer with a streaming state: every recurrent, state-space, linear-attention
 * and attention layer of Recur, and stacks of them.
 *
 * <p>Sequences are time-major: {@code (T, B, features)}, so that one time step of a batch is one
 * contiguous slab (the recurrent matmul of a step runs on it without a copy). Batch-first data is
 * transposed at the model's edge.
 *
 * <p>The contract every implementation is tested against: running {@link #step} over the inputs
 * one at a time gives the same outputs and final state as {@link #forward} over the sequence.
 */
public abstract class SequenceLayer extends Module {
    public abstract int inputSize();

    public abstract int outputSize();

    /**
     * Runs the layer over a sequence.
     *
     * @param x       input, (T, B, inputSize)
     * @param lengths valid length of each sequence, or null when all run the full T
     * @param initial state before the first step, or null for {@link #zeroState}
     * @return output (T, B, outputSize), zero past each sequence's length, and the final state
     */
    public abstract SequenceOutput forward(Var x, Lengths lengths, LayerState initial);

    public final SequenceOutput forward(Var x) {
        return forward(x, null, null);
    }

    /**
     * Advances the layer by one input.
     *
     * @param x     input, (B, inputSize)
     * @param state state before this step, or null for {@link #zeroState}
     */
    public abstract StepOutput step(Var x, LayerState state);

    /** The state before any input, for a batch of {@code batch} sequences. */
    public abstract LayerState zeroState(int batch);
}
