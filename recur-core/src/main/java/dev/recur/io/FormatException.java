package dev.recur.io;

import dev.recur.RecurException;

/** A file that is not what it claims to be: the message names the file and what is wrong with it. */
public final class FormatException extends RecurException {
    private final String source;

    public FormatException(String source, String problem) {
        super(source + ": " + problem);
        this.source = source;
    }

    public FormatException(String source, String problem, Throwable cause) {
        super(source + ": " + problem, cause);
        this.source = source;
    }

    /** The file (or stream name) the problem was found in. */
    public String source() {
        return source;
    }
}
