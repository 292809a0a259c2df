package dev.recur.linear;

/** Which form a linear-attention layer runs over a sequence (option {@code mode}). */
enum Mode {
    /** The chunkwise-parallel form. */
    CHUNK,
    /** The fused recurrent form (the streaming step, over the whole sequence). */
    RECURRENT,
    /** Chunkwise for sequences longer than one chunk, recurrent otherwise. */
    AUTO;

    boolean chunked(int steps, int chunk) {
        return switch (this) {
            case CHUNK -> true;
            case RECURRENT -> false;
            case AUTO -> steps > chunk;
        };
    }
}
