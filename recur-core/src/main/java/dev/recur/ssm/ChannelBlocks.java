package dev.recur.ssm;

import dev.recur.kernel.Parallel;

/**
 * A time-major (T, B, H) array re-laid as blocks of {@value #LANES} channels, each sequence of a
 * block contiguous: block k, sequence b, step t, lane l at {@code ((k*B + b)*T + t)*LANES + l}.
 *
 * <p>Why: the convolution form transforms a block's channels as the lanes of one FFT. Read in place,
 * each of its T samples is 64 bytes out of a 4 KB row of the (T, B, H) array, so every pass over a
 * block touches T*B rows (and TLB entries) of a 64 MB array at T = 16384; in this layout the same
 * pass streams 4 MB. One transposition in (and one out) replaces a strided pass per block per use.
 */
final class ChannelBlocks {
    static final int LANES = 16;
    final int steps, batch, channels, blocks;
    final float[] data;

    ChannelBlocks(int T, int B, int H) {
        this(T, B, H, new float[size(T, B, H)]);
    }

    private ChannelBlocks(int T, int B, int H, float[] data) {
        steps = T;
        batch = B;
        channels = H;
        blocks = (H + LANES - 1) / LANES;
        this.data = data;
    }

    private static int size(int T, int B, int H) {
        return (H + LANES - 1) / LANES * B * T * LANES;
    }

    /**
     * Steps per tile of {@link #copyTo}. A tile of one sequence is copied block after block: each
     * block's source is one contiguous run, and the tile's rows of the (T, B, H) array (64 KB) stay in
     * L2 while the blocks fill them in. Row by row instead, the copy reads B x blocks = 64 streams at
     * once, more than the prefetchers follow, and every 64-byte load missed (JFR: 15 % of the
     * convolution's forward + backward, 8 % tiled). {@link #of} stays row by row: there the 64
     * streams are stores, which the store buffer absorbs, and the tiled form measured slower.
     */
    static final int TILE = 64;

    /** The blocked copy of {@code a}; with {@code len}, steps at or past a sequence's length are zero. */
    static ChannelBlocks of(float[] a, int T, int B, int H, int[] len) {
        ChannelBlocks c = new ChannelBlocks(T, B, H);
        c.fill(a, len, false);
        return c;
    }

    /**
     * As {@link #of}, in an array from {@link ScratchArrays}: the caller hands it back with
     * {@link #release} once the copy is no longer used.
     */
    static ChannelBlocks borrow(float[] a, int T, int B, int H, int[] len) {
        ChannelBlocks c = new ChannelBlocks(T, B, H, ScratchArrays.take(size(T, B, H)));
        c.fill(a, len, true);
        return c;
    }

    /** Hands a {@link #borrow}ed array back; this copy must not be used afterwards. */
    void release() {
        ScratchArrays.give(data);
    }

    /** Copies {@code a} in; with {@code dirty} (a reused array), also writes the zeros a fresh array has. */
    private void fill(float[] a, int[] len, boolean dirty) {
        int T = steps, B = batch, H = channels;
        Parallel.forRange(T * B, 256, (start, end) -> {
            for (int r = start; r < end; r++) {
                int t = r / B, b = r % B;
                boolean past = len != null && t >= len[b];
                if (past && !dirty) continue;
                for (int k = 0; k < blocks; k++) {
                    int to = offset(k, b) + t * LANES, w = width(k);
                    if (past) {
                        java.util.Arrays.fill(data, to, to + LANES, 0f);
                        continue;
                    }
                    System.arraycopy(a, r * H + k * LANES, data, to, w);
                    if (dirty && w < LANES) java.util.Arrays.fill(data, to + w, to + LANES, 0f);
                }
            }
        });
    }

    /** Writes the blocks back into a (T, B, H) array; with {@code len}, steps at or past a length become zero. */
    void copyTo(float[] a, int[] len) {
        copyTo(a, 0, len, false);
    }

    /**
     * Writes (or, with {@code add}, adds) the blocks into a (T, B, H) array starting at {@code off};
     * with {@code len}, steps at or past a length become zero (or, adding, stay as they are).
     * Adding lets a gradient go straight into its buffer instead of through a second full-size array.
     */
    void copyTo(float[] a, int off, int[] len, boolean add) {
        int T = steps, B = batch, H = channels, tiles = (T + TILE - 1) / TILE;
        Parallel.forRange(B * tiles, 1, (start, end) -> {
            for (int i = start; i < end; i++) {
                int b = i / tiles, t0 = (i % tiles) * TILE, t1 = Math.min(T, t0 + TILE);
                int valid = Math.max(t0, Math.min(t1, len == null ? T : len[b]));
                for (int k = 0; k < blocks; k++) {
                    int src = offset(k, b), w = width(k);
                    for (int t = t0; t < valid; t++) {
                        int from = src + t * LANES, to = off + (t * B + b) * H + k * LANES;
                        if (add) for (int l = 0; l < w; l++) a[to + l] += data[from + l];
                        else System.arraycopy(data, from, a, to, w);
                    }
                }
                if (!add) for (int t = valid; t < t1; t++) java.util.Arrays.fill(a, off + (t * B + b) * H, off + (t * B + b + 1) * H, 0f);
            }
        });
    }

    /** Where sequence b of block k starts (step t at {@code + t*LANES}). */
    int offset(int k, int b) {
        return (k * batch + b) * steps * LANES;
    }

    /** The number of channels in block k (LANES but in the last block). */
    int width(int k) {
        return Math.min(LANES, channels - k * LANES);
    }
}
