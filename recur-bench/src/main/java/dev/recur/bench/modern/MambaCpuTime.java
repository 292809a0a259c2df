package dev.recur.bench.modern;

import dev.recur.kernel.Backends;
import dev.recur.kernel.Parallel;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@link MambaBench} for a loaded machine: one thread, CPU time ({@link CpuTimes}); the sequence
 * form (chunked selective scan, with and without its backward pass) and the step form, with
 * tokens per second.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp recur-bench/target/recur-bench.jar
 * dev.recur.bench.modern.MambaCpuTime [repetitions] [steps]}; {@code -Dthreads=2} runs on two
 * compute threads and times wall clock.
 */
public final class MambaCpuTime {
    private MambaCpuTime() {}

    public static void main(String[] args) {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Parallel.setThreads(CpuTimes.threads());
        MambaBench b = new MambaBench();
        b.steps = args.length > 1 ? Integer.parseInt(args[1]) : 2048;
        b.batch = 4;
        b.model = 256;
        b.setup();
        Map<String, Runnable> runs = new LinkedHashMap<>();
        runs.put("scan", b::sequence);
        runs.put("scan+backward", b::sequenceBackward);
        runs.put("step", b::step);
        System.out.printf(Locale.ROOT, "mamba:%d (E=%d, N=16): T=%d B=%d, backend %s, %s%n",
                b.model, 2 * b.model, b.steps, b.batch, Backends.active().name(), CpuTimes.clock());
        Map<String, Double> median = CpuTimes.measure(runs, reps, 1);
        double tokens = (double) b.steps * b.batch;
        median.forEach((k, ms) -> System.out.printf(Locale.ROOT, "  %-20s %10.0f tokens/s%n", k, tokens / (ms / 1e3)));
        CpuTimes.printRatio(median, "mamba", "step", "scan");
    }
}
