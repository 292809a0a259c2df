package dev.recur.linear;

import dev.recur.kernel.Parallel;
import dev.recur.layer.Lengths;

/**
 * The (batch, head) sequences of a time-major {@code (T, B, heads · width)} tensor. The core ops
 * gather each sequence into contiguous rows ({@code len × width}), run its kernel, and scatter the
 * results back; sequences are independent, so they run in parallel with results that do not depend
 * on the thread count.
 */
record Heads(int steps, int batch, int heads) {
    /** Valid length of sequence {@code b}. */
    int length(Lengths lengths, int b) {
        return lengths == null ? steps : lengths.get(b);
    }

    /** Copies rows {@code [0, len)} of head {@code h} of sequence {@code b} into {@code dst} (len × width). */
    void gather(float[] src, int srcOff, int width, int b, int h, int len, float[] dst) {
        for (int t = 0; t < len; t++) {
            System.arraycopy(src, srcOff + ((t * batch + b) * heads + h) * width, dst, t * width, width);
        }
    }

    /** The inverse of {@link #gather}: writes rows {@code [0, len)}. */
    void scatter(float[] src, float[] dst, int dstOff, int width, int b, int h, int len) {
        for (int t = 0; t < len; t++) {
            System.arraycopy(src, t * width, dst, dstOff + ((t * batch + b) * heads + h) * width, width);
        }
    }

    /** Adds rows {@code [0, len)} into {@code dst}. */
    void scatterAdd(float[] src, float[] dst, int dstOff, int width, int b, int h, int len) {
        for (int t = 0; t < len; t++) {
            int d = dstOff + ((t * batch + b) * heads + h) * width;
            for (int i = 0; i < width; i++) dst[d + i] += src[t * width + i];
        }
    }

    /** Runs {@code task(b, h)} for every sequence, in parallel. */
    void forEach(HeadTask task) {
        Parallel.forRange(batch * heads, 1, (start, end) -> {
            for (int i = start; i < end; i++) task.run(i / heads, i % heads);
        });
    }

    @FunctionalInterface
    interface HeadTask {
        void run(int b, int h);
    }
}
