package dev.recur.bench.modern;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The measuring loop of the CPU-time runners ({@link S4dFormsCpuTime}, {@link LinearAttentionCpuTime},
 * {@link MambaCpuTime}): for a shared, loaded machine, the configurations run interleaved in one
 * JVM on the calling thread, and each run is charged the thread's CPU time (time spent waiting for
 * a core does not count; cache contention from other processes still does).
 */
final class CpuTimes {
    private CpuTimes() {}

    /**
     * Runs every configuration {@code reps} times, round-robin, drops the first {@code warmup}
     * rounds, prints min and median per configuration and returns the medians in milliseconds.
     */
    static Map<String, Double> measure(Map<String, Runnable> runs, int reps, int warmup) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        boolean wall = threads() > 1;
        Map<String, List<Long>> times = new LinkedHashMap<>();
        for (int r = 0; r < reps; r++) {
            for (Map.Entry<String, Runnable> e : runs.entrySet()) {
                long t0 = wall ? System.nanoTime() : mx.getCurrentThreadCpuTime();
                e.getValue().run();
                long dt = (wall ? System.nanoTime() : mx.getCurrentThreadCpuTime()) - t0;
                if (r >= warmup) times.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(dt);
            }
        }
        Map<String, Double> median = new LinkedHashMap<>();
        times.forEach((k, l) -> {
            Collections.sort(l);
            median.put(k, l.get(l.size() / 2) / 1e6);
            System.out.printf(Locale.ROOT, "  %-20s min %8.1f ms   median %8.1f ms%n", k, l.get(0) / 1e6, l.get(l.size() / 2) / 1e6);
        });
        return median;
    }

    /**
     * The compute threads of a runner: {@code -Dthreads=N}, 1 by default. With more than one the
     * runners time wall clock (the measure; the calling thread's CPU time would miss the
     * workers), interleaved as before, so only a quiet machine gives meaningful numbers.
     */
    static int threads() {
        return Integer.getInteger("threads", 1);
    }

    /** "one thread, CPU time" or "N threads, wall time", for the runners' headers. */
    static String clock() {
        return threads() > 1 ? threads() + " threads, wall time" : "one thread, CPU time";
    }

    /** The ratio of two medians when both configurations ran. */
    static void printRatio(Map<String, Double> median, String label, String slow, String fast) {
        if (median.containsKey(slow) && median.containsKey(fast)) {
            System.out.printf(Locale.ROOT, "  %-20s %s / %s = %.2f (medians)%n", label, slow, fast, median.get(slow) / median.get(fast));
        }
    }
}
