package dev.recur.bench.modern;

import dev.recur.kernel.Backends;
import dev.recur.kernel.Parallel;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The comparison of {@link LinearAttentionBench} for a shared, loaded machine: one
 * compute thread, the forms interleaved in one JVM, CPU time ({@link CpuTimes}). Prints the
 * minimum and median of each configuration and the recurrent / chunkwise ratios.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp recur-bench/target/recur-bench.jar
 * dev.recur.bench.modern.LinearAttentionCpuTime [repetitions] [core|layer]}; {@code -Druns=REGEX}
 * keeps the configurations whose name ("gla chunk", "deltanet recurrent", ...) matches (for profiling one);
 * {@code -Dthreads=2} runs on two compute threads and times wall clock (the measure);
 * {@code -Dchunk=N} sets the chunk length (64 by default; the recurrent form checkpoints its
 * state at the same interval).
 */
public final class LinearAttentionCpuTime {
    static final int T = 2048, B = 4, HEADS = 4;

    private LinearAttentionCpuTime() {}

    public static void main(String[] args) {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 12;
        String scope = args.length > 1 ? args[1] : "core";
        Parallel.setThreads(CpuTimes.threads());
        Map<String, Runnable> runs = new LinkedHashMap<>();
        for (String mixer : new String[] {"gla", "deltanet"}) {
            for (String form : new String[] {"chunk", "recurrent"}) {
                String name = mixer + " " + form;
                if (name.matches(System.getProperty("runs", ".*"))) runs.put(name, run(mixer, form, scope));
            }
        }
        System.out.printf(Locale.ROOT, "%s: T=%d B=%d width=%d heads=%d chunk=%d, backend %s, %s per forward+backward%n",
                scope, T, B, LinearAttentionBench.WIDTH, HEADS, Integer.getInteger("chunk", 64), Backends.active().name(), CpuTimes.clock());
        Map<String, Double> median = CpuTimes.measure(runs, reps, 2);
        for (String mixer : new String[] {"gla", "deltanet"}) CpuTimes.printRatio(median, mixer, mixer + " recurrent", mixer + " chunk");
    }

    /** The same setup as {@link LinearAttentionBench}. */
    private static Runnable run(String mixer, String form, String scope) {
        LinearAttentionBench b = new LinearAttentionBench();
        b.mixer = mixer;
        b.form = form;
        b.scope = scope;
        b.threads = CpuTimes.threads();
        b.chunk = Integer.getInteger("chunk", 64);
        b.setup();
        return b::forwardBackward;
    }
}
