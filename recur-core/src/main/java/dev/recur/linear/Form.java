package dev.recur.linear;

/**
 * Which form a core op runs: chunkwise-parallel, or fused recurrent. {@code chunk} is the chunk
 * length of the chunkwise form and the checkpoint interval of the recurrent form's backward pass
 * (both record the state every {@code chunk} steps).
 */
record Form(boolean chunked, int chunk) {
    Form {
        if (chunk < 1) throw new IllegalArgumentException("chunk must be >= 1, got " + chunk);
    }

    /** How many states are recorded for a sequence of {@code len} steps. */
    int intervals(int len) {
        return Math.max(1, (len + chunk - 1) / chunk);
    }
}
