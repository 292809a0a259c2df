package dev.recur.nn;

import dev.recur.ConfigException;
import dev.recur.autodiff.Var;
import dev.recur.random.Rng;
import dev.recur.tensor.Tensor;

import static dev.recur.ops.Embedding.embedding;

/**
 * A table of {@code num} vectors of size {@code dim} looked up by integer index; {@code weight}
 * initialised N(0, 1) as in PyTorch. With a padding index, that row starts at zero and never
 * receives a gradient.
 */
public final class Embedding extends Module {
    private final int num, dim, paddingIdx;
    private final Parameter weight;

    public Embedding(int num, int dim, Rng rng) {
        this(num, dim, dev.recur.ops.Embedding.NO_PADDING, rng);
    }

    /** {@code paddingIdx} in [0, num), or {@link dev.recur.ops.Embedding#NO_PADDING}. */
    public Embedding(int num, int dim, int paddingIdx, Rng rng) {
        if (num < 1 || dim < 1) throw new ConfigException("Embedding: sizes must be >= 1, got num=" + num + ", dim=" + dim);
        if (paddingIdx != dev.recur.ops.Embedding.NO_PADDING && (paddingIdx < 0 || paddingIdx >= num)) {
            throw new ConfigException("Embedding: padding index " + paddingIdx + " is outside 0.." + (num - 1));
        }
        this.num = num;
        this.dim = dim;
        this.paddingIdx = paddingIdx;
        Tensor w = Init.normal(Tensor.zeros(num, dim), 0, 1, rng);
        if (paddingIdx >= 0) w.select(0, paddingIdx).fill(0f);
        this.weight = parameter("weight", w);
    }

    /** Looks up {@code indices} (row-major, of {@code shape}): the result has shape {@code (shape..., dim)}. */
    public Var forward(int[] indices, int[] shape) {
        return embedding(weight, indices, shape, paddingIdx);
    }

    public int num() {
        return num;
    }

    public int dim() {
        return dim;
    }

    public Parameter weight() {
        return weight;
    }
}
