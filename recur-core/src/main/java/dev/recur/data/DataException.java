package dev.recur.data;

import dev.recur.RecurException;

/** Data that was read but cannot be used: a non-numeric cell, a missing column, too few rows. One line: the source, where, what. */
public final class DataException extends RecurException {
    public DataException(String source, String problem) {
        super(source + ": " + problem);
    }
}
