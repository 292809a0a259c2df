package dev.recur.bench.kernel;

import dev.recur.kernel.ActivationAccuracy;
import dev.recur.kernel.ActivationAccuracy.Function;
import dev.recur.kernel.ActivationAccuracy.Stats;
import dev.recur.kernel.Activations;
import dev.recur.kernel.Backends;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs every vector activation on all 2^32 float bit patterns (or every stride-th) and prints the
 * maximum errors against the double references as the markdown table of docs/DESIGN.md
 * ("Kernel accuracy"). Too slow for CI (minutes per function: the references run in double);
 * ActivationAccuracyTest asserts the same bounds on a dense sample.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp recur-bench/target/recur-bench.jar \
 *     dev.recur.bench.kernel.ActivationAccuracySweep [--threads N] [--stride S] [EXP SIGMOID ...]</pre>
 */
public final class ActivationAccuracySweep {
    private static final int CHUNK = 1 << 16;

    private ActivationAccuracySweep() {}

    public static void main(String[] args) throws Exception {
        int threads = Runtime.getRuntime().availableProcessors();
        long stride = 1;
        List<Function> functions = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--stride" -> stride = Long.parseLong(args[++i]);
                default -> functions.add(Function.valueOf(args[i].toUpperCase(Locale.ROOT)));
            }
        }
        if (functions.isEmpty()) functions.addAll(List.of(Function.values()));
        Activations vector = Backends.vector().activations();
        System.out.println("| function | input range | samples | bound (ulp) | max ulp | max rel (normal results) | max abs | worst x |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (Function f : functions) {
                long start = System.nanoTime();
                Stats[] total = sweep(pool, threads, f, vector, stride);
                System.out.print(ActivationAccuracy.table(f, total));
                System.err.printf(Locale.ROOT, "%s: %.0f s%n", f, (System.nanoTime() - start) / 1e9);
            }
        } finally {
            pool.shutdown();
        }
    }

    /** Each worker takes chunks of consecutive sample indices until all 2^32 / stride are done. */
    private static Stats[] sweep(ExecutorService pool, int threads, Function f, Activations vector, long stride) throws Exception {
        long samples = ((1L << 32) + stride - 1) / stride;
        AtomicLong next = new AtomicLong();
        List<Future<Stats[]>> parts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            parts.add(pool.submit(() -> {
                Stats[] stats = ActivationAccuracy.newStats(f);
                float[] x = new float[CHUNK], y = new float[CHUNK];
                for (long first; (first = next.getAndAdd(CHUNK)) < samples; ) {
                    int n = (int) Math.min(CHUNK, samples - first);
                    for (int i = 0; i < n; i++) x[i] = Float.intBitsToFloat((int) ((first + i) * stride));
                    ActivationAccuracy.measure(f, vector, x, n, y, stats);
                }
                return stats;
            }));
        }
        Stats[] total = ActivationAccuracy.newStats(f);
        for (Future<Stats[]> part : parts) {
            Stats[] s = part.get();
            for (int i = 0; i < total.length; i++) total[i].merge(s[i]);
        }
        return total;
    }
}
