package dev.recur.nn;

import dev.recur.autodiff.Var;
import dev.recur.ops.Arith;
import dev.recur.ops.Pointwise;
import dev.recur.random.Rng;

/**
 * The gated MLP of LLaMA-style blocks: {@code w2(silu(w1 x) * w3 x)} with {@code w1, w3: dim ->
 * hidden} and {@code w2: hidden -> dim} ({@link Linear}s named as in LLaMA checkpoints).
 */
public final class SwiGlu extends UnaryModule {
    private final Linear w1, w2, w3;

    public SwiGlu(int dim, int hidden, boolean bias, Rng rng) {
        this.w1 = child("w1", new Linear(dim, hidden, bias, rng));
        this.w2 = child("w2", new Linear(hidden, dim, bias, rng));
        this.w3 = child("w3", new Linear(dim, hidden, bias, rng));
    }

    @Override
    public Var forward(Var x) {
        return w2.forward(Arith.mul(Pointwise.silu(w1.forward(x)), w3.forward(x)));
    }
}
