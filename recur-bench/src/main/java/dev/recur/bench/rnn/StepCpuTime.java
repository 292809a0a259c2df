package dev.recur.bench.rnn;

import dev.recur.autodiff.GradMode;
import dev.recur.autodiff.Var;
import dev.recur.kernel.Parallel;
import dev.recur.layer.LayerConfig;
import dev.recur.layer.LayerRegistry;
import dev.recur.layer.SequenceLayer;
import dev.recur.random.Rng;
import dev.recur.rnn.Stream;
import dev.recur.tensor.Tensor;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Load-robust figures for the classic layers' inference paths (issue 3), for a shared machine:
 * <ul>
 *   <li>streaming at batch 1 (H = 256, input 64): {@link Stream#step} on one thread, charged the
 *   thread's CPU time, and the best wall time per step of short runs on one and on two threads
 *   (interleaved; the minimum is what a quiet machine approaches);</li>
 *   <li>inference over a sequence (B = 32, T = 128): the forward with gradients off (the packed
 *   step loop) against the same forward with gradients on (the autodiff op that training runs),
 *   interleaved in this JVM on one thread, CPU time.</li>
 * </ul>
 * {@code java --add-modules jdk.incubator.vector -cp recur-bench/target/recur-bench.jar dev.recur.bench.rnn.StepCpuTime [rounds]}
 */
public final class StepCpuTime {
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
    private static final int INPUT = 64, HIDDEN = 256;

    private StepCpuTime() {}

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        int threads = Parallel.threads();
        try {
            for (String cell : List.of("lstm", "gru", "rnn_tanh")) stream(cell, rounds);
            Parallel.setThreads(1);
            for (String cell : List.of("lstm", "gru")) sequence(cell, Math.max(6, rounds / 4));
        } finally {
            Parallel.setThreads(threads);
        }
    }

    private static SequenceLayer layer(String cell, Rng rng) {
        return LayerRegistry.create(new LayerConfig(cell, INPUT, HIDDEN), rng);
    }

    private static void stream(String cell, int rounds) {
        Rng rng = new Rng(42);
        Stream s = new Stream(List.of(layer(cell, rng)));
        Tensor x = Tensor.zeros(1, INPUT);
        rng.fillUniform(x.data(), 0, INPUT, -0.5f, 0.5f);
        int n = 200;
        long[] cpu = new long[rounds];
        double[] best = {Double.MAX_VALUE, Double.MAX_VALUE};
        for (int r = 0; r < rounds + 5; r++) {
            for (int th = 1; th <= 2; th++) {
                Parallel.setThreads(th);
                Stream.State st = s.zeroState(1);
                for (int i = 0; i < 50; i++) st = s.step(x, st).state();
                long c0 = MX.getCurrentThreadCpuTime(), w0 = System.nanoTime();
                for (int i = 0; i < n; i++) st = s.step(x, st).state();
                long w = System.nanoTime() - w0, c = MX.getCurrentThreadCpuTime() - c0;
                if (r < 5) continue; // warm-up rounds: C2 compiles the step's kernels
                best[th - 1] = Math.min(best[th - 1], w / 1e3 / n);
                if (th == 1) cpu[r - 5] = c;
            }
        }
        Arrays.sort(cpu);
        System.out.printf(Locale.ROOT, "stream %-8s H=%d B=1: 1 thread %.2f us CPU per step (median); best wall %.2f us (1 thread), %.2f us (2 threads) = %.0f steps/s%n",
                cell, HIDDEN, cpu[rounds / 2] / 1e3 / n, best[0], best[1], 1e6 / Math.min(best[0], best[1]));
    }

    private static void sequence(String cell, int rounds) {
        Rng rng = new Rng(42);
        SequenceLayer l = layer(cell, rng);
        int T = 128, B = 32;
        Tensor x = Tensor.zeros(T, B, INPUT);
        rng.fillUniform(x.data(), 0, x.numel(), -0.5f, 0.5f);
        long[][] cpu = new long[2][rounds];
        for (int r = 0; r < rounds + 2; r++) {
            for (int v = 0; v < 2; v++) {
                long c0 = MX.getCurrentThreadCpuTime();
                if (v == 0) {
                    l.forward(Var.constant(x)); // gradients on: the autodiff op, everything kept for a backward
                } else {
                    try (GradMode.Scope off = GradMode.off()) {
                        l.forward(Var.constant(x));
                    }
                }
                if (r >= 2) cpu[v][r - 2] = MX.getCurrentThreadCpuTime() - c0;
            }
        }
        for (long[] c : cpu) Arrays.sort(c);
        double on = cpu[0][rounds / 2] / 1e6, off = cpu[1][rounds / 2] / 1e6;
        System.out.printf(Locale.ROOT, "infer  %-8s H=%d B=%d T=%d, 1 thread CPU: autodiff forward %.1f ms, inference loop %.1f ms (%.0f tokens per CPU-s), %.2fx%n",
                cell, HIDDEN, B, T, on, off, T * B / (off / 1e3), on / off);
    }
}
