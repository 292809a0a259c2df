package dev.recur.nn;

import dev.recur.ConfigException;
import dev.recur.autodiff.Var;
import dev.recur.random.Rng;

import static dev.recur.ops.Dropout.dropout;

/**
 * Inverted dropout in training mode, identity in evaluation mode. It owns its generator (give it
 * a {@link Rng#split()} of the model's), whose state is saved with checkpoints ({@link Stochastic}).
 */
public final class Dropout extends UnaryModule implements Stochastic {
    private final float p;
    private Rng rng;

    public Dropout(float p, Rng rng) {
        if (!(p >= 0f && p <= 1f)) throw new ConfigException("Dropout: probability must be in [0, 1], got " + p);
        this.p = p;
        this.rng = rng;
    }

    @Override
    public Var forward(Var x) {
        return isTraining() && p > 0f ? dropout(x, p, rng) : x;
    }

    public float p() {
        return p;
    }

    @Override
    public long[] rngState() {
        return rng.state();
    }

    @Override
    public void restoreRngState(long[] state) {
        rng = Rng.fromState(state);
    }
}
