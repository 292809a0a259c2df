package dev.recur.bench.modern;

import dev.recur.autodiff.Var;
import dev.recur.kernel.Backends;
import dev.recur.kernel.Parallel;
import dev.recur.linear.LinearAttention;
import dev.recur.random.Rng;
import dev.recur.tensor.Tensor;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The comparison of {@link LinearAttentionBench} for a shared, loaded machine: one
 * compute thread, the forms interleaved in one JVM, and the thread's CPU time rather than wall time,
 * so that time spent waiting for a core does not count. Prints the minimum and median of each
 * configuration and the recurrent / chunkwise ratios.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp recur-bench/target/recur-bench.jar
 * dev.recur.bench.modern.LinearAttentionCpuTime [repetitions] [core|layer]}; {@code -Druns=REGEX}
 * keeps the configurations whose name ("gla chunk", "deltanet recurrent", ...) matches (for profiling one).
 */
public final class LinearAttentionCpuTime {
    static final int T = 2048, B = 4, HEADS = 4;

    private LinearAttentionCpuTime() {}

    public static void main(String[] args) {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 12;
        String scope = args.length > 1 ? args[1] : "core";
        Parallel.setThreads(1);
        Map<String, Runnable> runs = new LinkedHashMap<>();
        for (String mixer : new String[] {"gla", "deltanet"}) {
            for (String form : new String[] {"chunk", "recurrent"}) {
                String name = mixer + " " + form;
                if (name.matches(System.getProperty("runs", ".*"))) runs.put(name, run(mixer, form, scope));
            }
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<String, List<Long>> times = new LinkedHashMap<>();
        for (int r = 0; r < reps; r++) {
            for (Map.Entry<String, Runnable> e : runs.entrySet()) {
                long t0 = mx.getCurrentThreadCpuTime();
                e.getValue().run();
                long dt = mx.getCurrentThreadCpuTime() - t0;
                if (r >= 2) times.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(dt); // two warm-up rounds
            }
        }
        System.out.printf(Locale.ROOT, "%s: T=%d B=%d width=%d heads=%d, backend %s, one thread, CPU time per forward+backward%n",
                scope, T, B, LinearAttentionBench.WIDTH, HEADS, Backends.active().name());
        Map<String, Double> median = new LinkedHashMap<>();
        times.forEach((k, l) -> {
            Collections.sort(l);
            median.put(k, l.get(l.size() / 2) / 1e6);
            System.out.printf(Locale.ROOT, "  %-20s min %7.1f ms   median %7.1f ms%n", k, l.get(0) / 1e6, l.get(l.size() / 2) / 1e6);
        });
        for (String mixer : new String[] {"gla", "deltanet"}) {
            if (!median.containsKey(mixer + " recurrent") || !median.containsKey(mixer + " chunk")) continue;
            System.out.printf(Locale.ROOT, "  %-20s recurrent / chunk = %.2f (medians)%n", mixer,
                    median.get(mixer + " recurrent") / median.get(mixer + " chunk"));
        }
    }

    /** The same setup as {@link LinearAttentionBench}. */
    private static Runnable run(String mixer, String form, String scope) {
        LinearAttentionBench b = new LinearAttentionBench();
        b.mixer = mixer;
        b.form = form;
        b.scope = scope;
        b.threads = 1;
        b.setup();
        return b::forwardBackward;
    }
}
