package dev.recur.nn;

import dev.recur.RecurException;

/** A state dict that does not fit a module: a missing or unexpected key, or a shape mismatch. */
public final class StateDictException extends RecurException {
    public StateDictException(String message) {
        super(message);
    }
}
