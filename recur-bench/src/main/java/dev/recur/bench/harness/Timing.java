package dev.recur.bench.harness;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** The measuring loop all of Recur's bench cases share, and the process's peak RSS. */
public final class Timing {
    private Timing() {}

    /**
     * Median seconds per call: warm-up calls until {@code warmup} seconds have passed (at least one;
     * compiling the Vector API kernels is the worker's process warm-up), then samples until
     * {@code minTime} seconds have passed (at least one, at most {@code maxSamples}). The peers'
     * workers use the same loop.
     */
    public static double medianSeconds(Runnable op, double warmup, double minTime, int maxSamples) {
        long w0 = System.nanoTime();
        for (int i = 0; i < 1 || (System.nanoTime() - w0) * 1e-9 < warmup; i++) op.run();
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
