package dev.recur.ssm;

import java.lang.ref.SoftReference;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A few large float arrays kept between calls for the convolution form's blocked copies, which live
 * for one forward or one backward call, and its kept input spectra, which live from a forward call
 * to the end of its first backward call. Why: at T = 16384, B = 4, H = 256 each blocked copy
 * is 64 MB, and a fresh one per call is a humongous G1 allocation that the calling thread zeroes
 * alone and, whenever G1 has shrunk the heap since, first touches page by page: on the 2-core
 * machine the calling thread then spent 0.1-1.4 s of system time per forward + backward beside
 * about 0.4 s of work (thread CPU vs user time, 2026-12-07), while the other compute thread
 * waited. A reused array has its pages in place and needs no zeroing (its users write every
 * element). Held through soft references, so the arrays go when memory runs short; the contents
 * of a taken array are arbitrary.
 */
final class ScratchArrays {
    /**
     * At most this many arrays are kept: a forward's blocked copy and kept input spectra (two
     * parts), a backward's blocked copies, and a spare.
     */
    private static final int KEEP = 6;
    private static final List<SoftReference<float[]>> FREE = new ArrayList<>();

    private ScratchArrays() {}

    /** An array of exactly {@code n} floats with arbitrary contents. */
    static float[] take(int n) {
        synchronized (FREE) {
            for (Iterator<SoftReference<float[]>> it = FREE.iterator(); it.hasNext(); ) {
                float[] a = it.next().get();
                if (a == null) {
                    it.remove();
                } else if (a.length == n) {
                    it.remove();
                    return a;
                }
            }
        }
        return new float[n];
    }

    /** Hands an array back for a later {@link #take}; the caller must not use it afterwards. */
    static void give(float[] a) {
        synchronized (FREE) {
            FREE.removeIf(r -> r.get() == null);
            if (FREE.size() >= KEEP) FREE.remove(0);
            FREE.add(new SoftReference<>(a));
        }
    }
}
