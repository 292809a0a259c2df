package dev.recur.optim;

import dev.recur.RecurException;

/** The gradients' norm is NaN or infinite where the caller asked to stop on it (a diverged run). */
public final class NonFiniteGradientException extends RecurException {
    public NonFiniteGradientException(String message) {
        super(message);
    }
}
