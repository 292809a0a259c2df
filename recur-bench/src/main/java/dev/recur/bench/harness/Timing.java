package dev.recur.bench.harness;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** The measuring loop all of Recur's bench cases share, and the process's peak RSS. */
public final class Timing {
    private Timing() {}

    /** A warm-up call at least this fraction of the fastest before it: the calls have stopped getting faster. */
    static final double SETTLED = 0.9;

    /** The warm-up ends by this multiple of its nominal time whether or not the calls have settled. */
    static final double WARMUP_CAP = 10;

    /**
     * Median seconds per call: warm-up calls until {@code warmup} seconds have passed and the calls
     * have stopped getting faster ({@link #warmedUp}), then samples until {@code minTime} seconds
     * have passed (at least one, at most {@code maxSamples}). The peers' workers use the same loop.
     * Why not time alone: a case of half a second per call (a chunkwise layer's training step) had
     * one warm-up call at the default 0.5 s and was timed while C2 was still compiling its kernels,
     * at half its steady speed (the chunkwise forms then measured slower than the recurrent ones).
     */
    public static double medianSeconds(Runnable op, double warmup, double minTime, int maxSamples) {
        long w0 = System.nanoTime();
        double best = Double.POSITIVE_INFINITY;
        for (int calls = 1; ; calls++) {
            long t = System.nanoTime();
            op.run();
            long now = System.nanoTime();
            double last = (now - t) * 1e-9;
            if (warmedUp(calls, last, best, (now - w0) * 1e-9, warmup)) break;
            best = Math.min(best, last);
        }
        double[] samples = new double[maxSamples];
        int n = 0;
        long start = System.nanoTime();
        do {
            long t = System.nanoTime();
            op.run();
            samples[n++] = (System.nanoTime() - t) * 1e-9;
        } while (n < maxSamples && (System.nanoTime() - start) * 1e-9 < minTime);
        double[] s = Arrays.copyOf(samples, n);
        Arrays.sort(s);
        return s[n / 2];
    }

    /**
     * Whether the warm-up is over after {@code calls} calls, the last of which took {@code last}
     * seconds and the fastest before it {@code best}, {@code elapsed} seconds into a warm-up of
     * nominally {@code warmup}: once the nominal time has passed and the last call was no more than
     * 10 % faster than the fastest before it (so at least two calls), or at {@link #WARMUP_CAP} times
     * the nominal time in any case.
     */
    static boolean warmedUp(int calls, double last, double best, double elapsed, double warmup) {
        if (elapsed >= WARMUP_CAP * warmup) return true;
        return elapsed >= warmup && calls >= 2 && last >= SETTLED * best;
    }

    /** Resets the kernel's RSS high-water mark of this process (Linux >= 4.0), so each case reports its own peak. */
    public static void resetPeakRss() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (Exception e) {
            // Not Linux, or not permitted: the peak then covers the process so far.
        }
    }

    /** Peak resident set size of this process in MiB (VmHWM), NaN where /proc is not there. */
    public static double peakRssMib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        } catch (Exception e) {
            // fall through
        }
        return Double.NaN;
    }
}
