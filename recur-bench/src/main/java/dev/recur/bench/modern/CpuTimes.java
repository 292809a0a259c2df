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
        boolean wall = threads() > 1 && !perThread();
        Map<String, List<Long>> times = new LinkedHashMap<>();
        Map<String, List<Long>> totals = new LinkedHashMap<>();
        for (int r = 0; r < reps; r++) {
            for (Map.Entry<String, Runnable> e : runs.entrySet()) {
                long dt;
                if (perThread()) {
                    long[] ids = computeThreads();
                    long[] before = cpuTimes(mx, ids);
                    e.getValue().run();
                    long[] after = cpuTimes(mx, ids);
                    long max = 0, sum = 0;
                    for (int i = 0; i < ids.length; i++) {
                        long d = after[i] - before[i];
                        max = Math.max(max, d);
                        sum += d;
                    }
                    dt = max;
                    if (r >= warmup) totals.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(sum);
                } else {
                    long t0 = wall ? System.nanoTime() : mx.getCurrentThreadCpuTime();
                    e.getValue().run();
                    dt = (wall ? System.nanoTime() : mx.getCurrentThreadCpuTime()) - t0;
                }
                if (r >= warmup) times.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(dt);
            }
        }
        totals.forEach((k, l) -> {
            Collections.sort(l);
            System.out.printf(Locale.ROOT, "  %-20s all compute threads: min %8.1f ms   median %8.1f ms CPU%n", k,
                    l.get(0) / 1e6, l.get(l.size() / 2) / 1e6);
        });
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

    /**
     * {@code -Dclock=threads} with more than one thread: each run is charged the CPU time of the
     * busiest compute thread (the caller or a {@code recur-compute-*} worker), a proxy for the
     * wall time on a quiet machine that a loaded one does not inflate (idle spinning of the pool,
     * at most 50 us per call, counts; the GC and JIT threads do not). The sum over the compute
     * threads is printed beside it: max / sum near 1/N means the work was split evenly.
     */
    static boolean perThread() {
        return threads() > 1 && "threads".equals(System.getProperty("clock"));
    }

    /** The calling thread and the pool's workers (started by then: {@code Parallel.setThreads} ran). */
    private static long[] computeThreads() {
        List<Long> ids = new ArrayList<>();
        ids.add(Thread.currentThread().threadId());
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("recur-compute-")) ids.add(t.threadId());
        }
        long[] a = new long[ids.size()];
        for (int i = 0; i < a.length; i++) a[i] = ids.get(i);
        return a;
    }

    private static long[] cpuTimes(ThreadMXBean mx, long[] ids) {
        long[] t = new long[ids.length];
        for (int i = 0; i < ids.length; i++) t[i] = Math.max(0, mx.getThreadCpuTime(ids[i]));
        return t;
    }

    /** "one thread, CPU time", "N threads, wall time" or "N threads, busiest thread's CPU time", for the runners' headers. */
    static String clock() {
        if (perThread()) return threads() + " threads, CPU time of the busiest compute thread";
        return threads() > 1 ? threads() + " threads, wall time" : "one thread, CPU time";
    }

    /** The ratio of two medians when both configurations ran. */
    static void printRatio(Map<String, Double> median, String label, String slow, String fast) {
        if (median.containsKey(slow) && median.containsKey(fast)) {
            System.out.printf(Locale.ROOT, "  %-20s %s / %s = %.2f (medians)%n", label, slow, fast, median.get(slow) / median.get(fast));
        }
    }
}
