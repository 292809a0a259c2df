package dev.recur.bench.modern;

import dev.recur.kernel.Backends;
import dev.recur.kernel.Parallel;
import dev.recur.ssm.DiagonalSsm;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@link S4dFormsBench}'s comparison for a shared, loaded machine: one compute thread, the two
 * forms interleaved in one JVM, the thread's CPU time (time spent waiting for a core does not
 * count). Prints the minimum and median per form and the recurrence / convolution ratio.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp recur-bench/target/recur-bench.jar
 * dev.recur.bench.modern.S4dFormsCpuTime [repetitions] [forwardBackward|forward] [steps]}.
 */
public final class S4dFormsCpuTime {
    private S4dFormsCpuTime() {}

    /** The forms to run: both, or the one named by {@code -Dforms=CONVOLUTION} (for profiling one). */
    private static DiagonalSsm.Form[] forms() {
        String only = System.getProperty("forms");
        return only == null ? DiagonalSsm.Form.values() : new DiagonalSsm.Form[] {DiagonalSsm.Form.valueOf(only)};
    }

    public static void main(String[] args) {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        String op = args.length > 1 ? args[1] : "forwardBackward";
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 16384;
        Parallel.setThreads(1);
        Map<String, Runnable> runs = new LinkedHashMap<>();
        for (DiagonalSsm.Form form : forms()) {
            S4dFormsBench b = new S4dFormsBench();
            b.steps = steps;
            b.batch = 4;
            b.channels = 256;
            b.state = 64;
            b.form = form;
            b.setup();
            runs.put(form.name(), "forward".equals(op) ? b::forward : b::forwardBackward);
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<String, List<Long>> times = new LinkedHashMap<>();
        for (int r = 0; r < reps; r++) {
            for (Map.Entry<String, Runnable> e : runs.entrySet()) {
                long t0 = mx.getCurrentThreadCpuTime();
                e.getValue().run();
                long dt = mx.getCurrentThreadCpuTime() - t0;
                if (r >= 1) times.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(dt); // one warm-up round
            }
        }
        System.out.printf(Locale.ROOT, "S4D SSM %s: T=%d B=4 H=256 N=64, backend %s, one thread, CPU time%n",
                op, steps, Backends.active().name());
        Map<String, Double> median = new LinkedHashMap<>();
        times.forEach((k, l) -> {
            Collections.sort(l);
            median.put(k, l.get(l.size() / 2) / 1e6);
            System.out.printf(Locale.ROOT, "  %-12s min %8.1f ms   median %8.1f ms%n", k, l.get(0) / 1e6, l.get(l.size() / 2) / 1e6);
        });
        if (median.size() == 2) {
            System.out.printf(Locale.ROOT, "  recurrence / convolution = %.2f (medians)%n",
                    median.get("RECURRENT") / median.get("CONVOLUTION"));
        }
    }
}
