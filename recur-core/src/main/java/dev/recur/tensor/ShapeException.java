package dev.recur.tensor;

import dev.recur.RecurException;

/** A tensor of the wrong shape was given: the message names the operand, the expected and the found shape. */
public final class ShapeException extends RecurException {
    public ShapeException(String message) {
        super(message);
    }

    /** "what: expected [2, 3], found [2, 4]". */
    public static ShapeException mismatch(String what, int[] expected, int[] found) {
        return new ShapeException(what + ": expected shape " + Shapes.toString(expected) + ", found " + Shapes.toString(found));
    }
}
