package dev.recur.io;

import dev.recur.RecurException;

/** A file that is not what it claims to be: the message names the file and what is wrong with it. */
public final class FormatException extends RecurException {
    /** Longest text from a file that a message repeats; the rest is elided. */
    private static final int MAX_QUOTED = 80;

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

    /**
     * Text taken from a file (a tensor name, a key, a type string), made safe for a one-line
     * message: control and invisible characters and lone surrogates escaped, long text elided.
     */
    public static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        int n = Math.min(s.length(), MAX_QUOTED);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
            if (pair) {
                sb.append(c).append(s.charAt(++i));
            } else if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029 || Character.isSurrogate(c)) {
                sb.append(String.format("\\u%04x", (int) c));
            } else if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else {
                sb.append(c);
            }
        }
        if (s.length() > n) sb.append("...(").append(s.length()).append(" characters)");
        return sb.toString();
    }

    /** {@link #printable} in double quotes. */
    public static String quote(String s) {
        return "\"" + printable(s) + "\"";
    }
}
