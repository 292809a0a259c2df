package dev.recur.io;

import dev.recur.RecurException;

/** A file that is not what it claims to be: the message names the file and what is wrong with it. */
public final class FormatException extends RecurException {
    private final String source;
    private final String problem;

    public FormatException(String source, String problem) {
        super(source + ": " + problem);
        this.source = source;
        this.problem = problem;
    }

    public FormatException(String source, String problem, Throwable cause) {
        super(source + ": " + problem, cause);
        this.source = source;
        this.problem = problem;
    }

    /** The file (or stream name) the problem was found in. */
    public String source() {
        return source;
    }

    /** What is wrong, without the file name (for wrapping with more context). */
    public String problem() {
        return problem;
    }
}
