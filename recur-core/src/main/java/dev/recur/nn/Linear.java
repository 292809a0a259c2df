package dev.recur.nn;

import dev.recur.ConfigException;
import dev.recur.autodiff.Var;
import dev.recur.ops.MatMul;
import dev.recur.random.Rng;
import dev.recur.tensor.Tensor;

/**
 * {@code y = x W^T + b} over the last dimension of {@code x (..., in)}, with PyTorch's layout
 * ({@code weight (out, in)}, {@code bias (out)}) and default initialisation: both drawn from
 * U(-1/sqrt(in), 1/sqrt(in)), the weight first.
 */
public final class Linear extends UnaryModule {
    private final int in, out;
    private final Parameter weight, bias;

    public Linear(int in, int out, boolean bias, Rng rng) {
        if (in < 1 || out < 1) throw new ConfigException("Linear: sizes must be >= 1, got in=" + in + ", out=" + out);
        this.in = in;
        this.out = out;
        double bound = 1 / Math.sqrt(in);
        this.weight = parameter("weight", Init.uniform(Tensor.zeros(out, in), -bound, bound, rng));
        this.bias = bias ? parameter("bias", Init.uniform(Tensor.zeros(out), -bound, bound, rng)) : null;
    }

    public Linear(int in, int out, Rng rng) {
        this(in, out, true, rng);
    }

    @Override
    public Var forward(Var x) {
        return MatMul.linear(x, weight, bias);
    }

    public int inFeatures() {
        return in;
    }

    public int outFeatures() {
        return out;
    }

    public Parameter weight() {
        return weight;
    }

    /** The bias, or null when the layer has none. */
    public Parameter bias() {
        return bias;
    }
}
