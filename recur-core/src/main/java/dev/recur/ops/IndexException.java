package dev.recur.ops;

import dev.recur.RecurException;

/** An integer index or class target outside its valid range (an embedding lookup, a loss target). */
public final class IndexException extends RecurException {
    public IndexException(String message) {
        super(message);
    }

    /** Throws unless {@code 0 <= value < bound}; {@code what} names the value, {@code position} its place. */
    public static void check(String what, int position, int value, int bound) {
        if (value < 0 || value >= bound) {
            throw new IndexException(what + " at position " + position + " is " + value + ", expected 0.." + (bound - 1));
        }
    }
}
