package dev.recur.bench.modern;

import dev.recur.kernel.Backends;
import dev.recur.kernel.Parallel;
import dev.recur.ssm.DiagonalSsm;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@link S4dFormsBench}'s comparison for a shared, loaded machine: one compute thread, the two
 * forms interleaved in one JVM, CPU time ({@link CpuTimes}). Prints the minimum and median per
 * form and the recurrence / convolution ratio.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp recur-bench/target/recur-bench.jar
 * dev.recur.bench.modern.S4dFormsCpuTime [repetitions] [forwardBackward|forward] [steps]};
 * {@code -Dthreads=2} runs on two compute threads and times wall clock (the measure).
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
        Parallel.setThreads(CpuTimes.threads());
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
        System.out.printf(Locale.ROOT, "S4D SSM %s: T=%d B=4 H=256 N=64, backend %s, %s%n",
                op, steps, Backends.active().name(), CpuTimes.clock());
        Map<String, Double> median = CpuTimes.measure(runs, reps, 1);
        CpuTimes.printRatio(median, "s4d", "RECURRENT", "CONVOLUTION");
    }
}
