package dev.recur.linear;

import dev.recur.autodiff.Var;
import dev.recur.nn.Module;
import dev.recur.ops.MatMul;
import dev.recur.random.Rng;
import dev.recur.tensor.Tensor;

/**
 * A linear map {@code y = x Wᵀ (+ b)} with PyTorch's parameter names ({@code weight} (out, in),
 * {@code bias} (out)) and default initialisation, U(−1/√in, 1/√in) for both.
 */
final class Projection extends Module {
    private final Var weight, bias;

    Projection(int in, int out, boolean withBias, Rng rng) {
        float bound = (float) (1 / Math.sqrt(in));
        Tensor w = Tensor.zeros(out, in);
        rng.fillUniform(w.data(), 0, w.numel(), -bound, bound);
        weight = parameter("weight", w);
        if (withBias) {
            Tensor b = Tensor.zeros(out);
            rng.fillUniform(b.data(), 0, out, -bound, bound);
            bias = parameter("bias", b);
        } else {
            bias = null;
        }
    }

    Var apply(Var x) {
        return MatMul.linear(x, weight, bias);
    }

    Tensor weight() {
        return weight.value();
    }

    /** The bias, or null. */
    Tensor bias() {
        return bias == null ? null : bias.value();
    }
}
