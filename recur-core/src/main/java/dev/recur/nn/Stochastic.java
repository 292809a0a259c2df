package dev.recur.nn;

/**
 * A module that draws random numbers in its forward pass (dropout). Its generator state belongs in
 * a checkpoint: {@link Module#rngStates()} collects these by module path and
 * {@link Module#loadRngStates} restores them, so that a resumed run draws the same masks as a run
 * that never stopped.
 */
public interface Stochastic {
    /** The generator's whole state (see {@link dev.recur.random.Rng#state()}). */
    long[] rngState();

    /** Continues from a state saved by {@link #rngState()}. */
    void restoreRngState(long[] state);
}
