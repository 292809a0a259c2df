package dev.recur;

/**
 * Root of Recur's typed exceptions. Every user error (bad shape, bad file, bad option) is one of
 * these, with a one-line message that says what is wrong, where, and what was expected; the CLI
 * prints the message alone and exits with code 2.
 */
public class RecurException extends RuntimeException {
    public RecurException(String message) {
        super(message);
    }

    public RecurException(String message, Throwable cause) {
        super(message, cause);
    }
}
