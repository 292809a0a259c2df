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

    /**
     * Every (batch, head) sequence of a time-major tensor at once: {@code out[b*heads + h]} holds
     * rows {@code [0, len_b)} of that head ({@code len_b × width}). One pass over time, in parallel
     * over steps: the tensor's rows are read in memory order and each sequence is written as a
     * stream, where gathering one sequence at a time reads {@code width} floats from every row of
     * the tensor (a page apart at this model size, so a TLB miss per step per sequence).
     */
    float[][] gatherAll(float[] src, int srcOff, int width, Lengths lengths) {
        float[][] out = new float[batch * heads][];
        for (int b = 0; b < batch; b++) {
            int len = length(lengths, b);
            for (int h = 0; h < heads; h++) out[b * heads + h] = new float[len * width];
        }
        Parallel.forRange(steps, 64, (t0, t1) -> {
            for (int t = t0; t < t1; t++) {
                for (int b = 0; b < batch; b++) {
                    if (t >= length(lengths, b)) continue;
                    int row = srcOff + (t * batch + b) * heads * width;
                    for (int h = 0; h < heads; h++) System.arraycopy(src, row + h * width, out[b * heads + h], t * width, width);
                }
            }
        });
        return out;
    }

    /**
     * The inverse of {@link #gatherAll}: writes (or, with {@code add}, adds) rows {@code [0, len_b)}
     * of every sequence {@code seqs[b*heads + h]} into the tensor, one pass over time; a null
     * sequence is skipped. Each element receives one value, so the result does not depend on the
     * thread count.
     */
    void scatterAll(float[][] seqs, float[] dst, int dstOff, int width, Lengths lengths, boolean add) {
        Parallel.forRange(steps, 64, (t0, t1) -> {
            for (int t = t0; t < t1; t++) {
                for (int b = 0; b < batch; b++) {
                    if (t >= length(lengths, b)) continue;
                    int row = dstOff + (t * batch + b) * heads * width;
                    for (int h = 0; h < heads; h++) {
                        float[] s = seqs[b * heads + h];
                        if (s == null) continue;
                        if (add) Blas.axpy(1f, s, t * width, dst, row + h * width, width);
                        else System.arraycopy(s, t * width, dst, row + h * width, width);
                    }
                }
            }
        });
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
