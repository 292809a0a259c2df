package dev.recur.bench.pararnn;

import dev.recur.autodiff.GradMode;
import dev.recur.autodiff.Var;
import dev.recur.kernel.Backends;
import dev.recur.kernel.Parallel;
import dev.recur.layer.LayerConfig;
import dev.recur.layer.LayerRegistry;
import dev.recur.layer.SequenceOutput;
import dev.recur.ops.Reduce;
import dev.recur.pararnn.LinearScan;
import dev.recur.pararnn.ParaCell;
import dev.recur.pararnn.ParaRnn;
import dev.recur.pararnn.ParaRnnLayer;
import dev.recur.random.Rng;
import dev.recur.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The ParaRNN measurements of issue 6: Newton iterations and final residual at initialisation over
 * sequence lengths, and wall time of the Newton vs the sequential solve, forward and forward +
 * backward, with the work ratio (FLOPs of Newton over sequential) that the timings on few cores
 * must be read against. Plain wall-clock timing (median of repetitions after a warm-up), not JMH:
 * one Newton forward at T = 16384 takes seconds.
 *
 * <p>Static API for harnesses: {@link #convergence}, {@link #timings}, {@link #markdown}. Command
 * line: {@code java --add-modules jdk.incubator.vector -Xmx6g -cp recur-bench/target/recur-bench.jar
 * dev.recur.bench.pararnn.ParaRnnMeasure [--cell paragru|paralstm] [--hidden 256] [--batches 1,8]
 * [--steps 1024,4096,16384] [--threads 1,2] [--reps 3] [--conv-min 8] [--conv-max 14]
 * [--trained TEXT_FILE [--train-steps 300]] [--no-convergence] [--no-timing] [--cpu-clock]}
 * ({@code --cpu-clock}: one thread, CPU time of that thread, for a loaded machine).
 */
public final class ParaRnnMeasure {
    /**
     * Newton's convergence on one sequence batch: iterations (linear solves), final residual, the
     * tolerance, and the largest difference of the Newton outputs from the sequential solve's.
     */
    public record Convergence(String cell, int steps, int batch, int hidden, int iterations, double residual, double tolerance,
                              double maxDiffFromSequential) {}

    /**
     * Median wall times in milliseconds, and the estimated work ratios of the layer's recurrence
     * (forward, and forward + backward) from the iterations Newton took.
     */
    public record Timing(String cell, int steps, int batch, int hidden, int threads, int iterations,
                         double seqForwardMs, double newtonForwardMs, double seqTrainMs, double newtonTrainMs,
                         double forwardWorkRatio, double trainWorkRatio, String scan) {}

    private ParaRnnMeasure() {}

    static ParaRnnLayer layer(String cell, int hidden, long seed) {
        // A generous cap so that the iterations reported are Newton's own, never the fallback's.
        return (ParaRnnLayer) LayerRegistry.create(new LayerConfig(cell, hidden, hidden, Map.of("max_iter", "256")), new Rng(seed));
    }

    static Tensor input(int T, int B, int I, long seed) {
        Rng rng = new Rng(seed);
        Tensor x = Tensor.zeros(T, B, I);
        for (int i = 0; i < x.numel(); i++) x.data()[i] = (float) rng.nextGaussian();
        return x;
    }

    /** Iterations and residual for {@code T = 2^lo .. 2^hi} (batch 1, input width = hidden). */
    public static List<Convergence> convergence(String cell, int hidden, int lo, int hi, long seed) {
        List<Convergence> out = new ArrayList<>();
        ParaRnnLayer layer = layer(cell, hidden, seed);
        for (int e = lo; e <= hi; e++) {
            int T = 1 << e;
            Var x = Var.constant(input(T, 1, hidden, seed + e));
            Tensor newton = layer.forward(x, null, null, ParaRnn.Mode.NEWTON).output().value();
            ParaRnn.Stats s = layer.lastStats();
            Tensor seq = layer.forward(x, null, null, ParaRnn.Mode.SEQUENTIAL).output().value();
            out.add(new Convergence(cell, T, 1, hidden, s.iterations(), s.residual(), s.tolerance(), maxAbsDiff(newton, seq)));
        }
        return out;
    }

    static double maxAbsDiff(Tensor a, Tensor b) {
        float[] x = a.contiguous().toArray(), y = b.contiguous().toArray();
        double m = 0;
        for (int i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
        return m;
    }

    /** Times both solves for each (batch, steps, threads) in wall time; restores the thread count afterwards. */
    public static List<Timing> timings(String cell, int hidden, int[] batches, int[] steps, int[] threads, int reps) {
        return timings(cell, hidden, batches, steps, threads, reps, false);
    }

    /**
     * As above; with {@code cpuClock} the calling thread's CPU time is measured instead of wall
     * time, which a loaded machine does not inflate. Only meaningful with one thread (then every
     * chunk runs on the caller), so it is rejected otherwise: its newton/sequential ratio is the
     * measured work ratio.
     */
    public static List<Timing> timings(String cell, int hidden, int[] batches, int[] steps, int[] threads, int reps, boolean cpuClock) {
        if (cpuClock && Arrays.stream(threads).anyMatch(t -> t != 1)) {
            throw new IllegalArgumentException("the CPU clock measures the calling thread only: use threads = 1");
        }
        int saved = Parallel.threads();
        List<Timing> out = new ArrayList<>();
        try {
            for (int B : batches) {
                for (int T : steps) {
                    ParaRnnLayer layer = layer(cell, hidden, 7);
                    Tensor x = input(T, B, hidden, 11);
                    for (int th : threads) {
                        Parallel.setThreads(th);
                        double sf = time(() -> forward(layer, x, ParaRnn.Mode.SEQUENTIAL), reps, cpuClock);
                        double nf = time(() -> forward(layer, x, ParaRnn.Mode.NEWTON), reps, cpuClock);
                        int iters = layer.lastStats().iterations();
                        double st = time(() -> train(layer, x, ParaRnn.Mode.SEQUENTIAL), reps, cpuClock);
                        double nt = time(() -> train(layer, x, ParaRnn.Mode.NEWTON), reps, cpuClock);
                        ParaCell c = layer.cell();
                        int M = B * hidden;
                        LinearScan.Strategy scan = LinearScan.choose(c.components(), M, T);
                        out.add(new Timing(cell, T, B, hidden, th, iters, sf, nf, st, nt,
                                workRatio(c, T, M, iters, scan, th, false), workRatio(c, T, M, iters, scan, th, true), scan.name()));
                    }
                }
            }
        } finally {
            Parallel.setThreads(saved);
        }
        return out;
    }

    private static void forward(ParaRnnLayer layer, Tensor x, ParaRnn.Mode mode) {
        layer.forward(Var.constant(x), null, null, mode);
    }

    private static void train(ParaRnnLayer layer, Tensor x, ParaRnn.Mode mode) {
        layer.zeroGrad();
        Var loss;
        try (var on = GradMode.on()) {
            SequenceOutput o = layer.forward(Var.constant(x), null, null, mode);
            loss = Reduce.sum(o.output());
        }
        loss.backward();
    }

    /** Median milliseconds (wall, or the calling thread's CPU time) of {@code reps} runs after one warm-up run. */
    private static double time(Runnable r, int reps, boolean cpuClock) {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        r.run();
        double[] ms = new double[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = cpuClock ? mx.getCurrentThreadCpuTime() : System.nanoTime();
            r.run();
            ms[i] = ((cpuClock ? mx.getCurrentThreadCpuTime() : System.nanoTime()) - t0) / 1e6;
        }
        Arrays.sort(ms);
        return ms[reps / 2];
    }

    /**
     * FLOPs of the recurrence by Newton over those of the sequential solve (the shared input
     * projection excluded). Newton: the guess (f only), then per iteration f and the Jacobian, the
     * residual and its max (3 per element), one scan and the update (1); the converged check is one
     * more f-and-Jacobian evaluation. A scan step is {@code 2k^2} per lane; the time-chunked scan on
     * P threads also scans and multiplies up {@code (P-1)/(P+1)} of the steps from zero
     * ({@code 2k^2 + 2k^3} more each). Backward, identical for both except that the sequential solve
     * must still evaluate the Jacobians (Newton keeps its last ones): adjoint scan plus the cell's
     * closed-form gradients (counted as one f-and-Jacobian evaluation).
     */
    static double workRatio(ParaCell c, int T, int M, int iters, LinearScan.Strategy scan, int threads, boolean withBackward) {
        int k = c.components();
        double fOnly = c.flopsPerLane(false), fJ = c.flopsPerLane(true);
        double scanStep = 2.0 * k * k;
        if (scan == LinearScan.Strategy.TIME_CHUNKS && threads > 1) {
            scanStep += (threads - 1.0) / (threads + 1.0) * (2.0 * k * k + 2.0 * k * k * k);
        }
        double seq = fOnly;
        double newton = fOnly + (iters + 1) * fJ + iters * (scanStep + 4 * k);
        if (withBackward) {
            double back = 2.0 * k * k + fJ;
            seq += fJ + back;
            newton += back;
        }
        return newton / seq;
    }

    /** The results as Markdown tables, with the machine line. */
    public static String markdown(List<Convergence> conv, List<Timing> times) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "backend %s, %d cores available, java %s%n%n", Backends.active().name(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version")));
        if (!conv.isEmpty()) {
            sb.append("| cell | T | batch | hidden | Newton iterations | final residual | tolerance | max |newton - sequential| |\n");
            sb.append("|---|---|---|---|---|---|---|---|\n");
            for (Convergence c : conv) {
                sb.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %.2e | %.2e | %.2e |%n",
                        c.cell(), c.steps(), c.batch(), c.hidden(), c.iterations(), c.residual(), c.tolerance(), c.maxDiffFromSequential()));
            }
            sb.append('\n');
        }
        if (!times.isEmpty()) {
            sb.append("| cell | T | batch | threads | scan | iters | fwd seq ms | fwd newton ms | newton/seq | fwd+bwd seq ms | fwd+bwd newton ms | newton/seq | work ratio fwd | work ratio fwd+bwd |\n");
            sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
            for (Timing t : times) {
                sb.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %s | %d | %.1f | %.1f | %.2f | %.1f | %.1f | %.2f | %.1f | %.1f |%n",
                        t.cell(), t.steps(), t.batch(), t.threads(), t.scan().toLowerCase(Locale.ROOT), t.iterations(),
                        t.seqForwardMs(), t.newtonForwardMs(), t.newtonForwardMs() / t.seqForwardMs(),
                        t.seqTrainMs(), t.newtonTrainMs(), t.newtonTrainMs() / t.seqTrainMs(), t.forwardWorkRatio(), t.trainWorkRatio()));
            }
        }
        return sb.toString();
    }

    /**
     * The whole measurement as Markdown, for a harness: {@code quick} runs a reduced grid (T = 1024,
     * batch 1, threads 1 and 2, one repetition, convergence for T = 2^8 .. 2^10) that takes seconds.
     */
    public static String report(String cell, boolean quick) {
        if (quick) {
            return markdown(convergence(cell, 256, 8, 10, 1), List.of())
                    + markdown(List.of(), timings(cell, 256, new int[] {1}, new int[] {1024}, new int[] {1, 2}, 1));
        }
        return markdown(convergence(cell, 256, 8, 14, 1), List.of())
                + markdown(List.of(), timings(cell, 256, new int[] {1, 8}, new int[] {1024, 4096, 16384}, new int[] {1, 2}, 3));
    }

    public static void main(String[] args) {
        String cell = "paragru";
        int hidden = 256, reps = 3, lo = 8, hi = 14;
        int[] batches = {1, 8}, steps = {1024, 4096, 16384}, threads = {1, 2};
        boolean conv = true, time = true, cpu = false;
        String trained = null;
        int trainSteps = 300;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--cell" -> cell = args[++i];
                case "--hidden" -> hidden = Integer.parseInt(args[++i]);
                case "--reps" -> reps = Integer.parseInt(args[++i]);
                case "--conv-min" -> lo = Integer.parseInt(args[++i]);
                case "--conv-max" -> hi = Integer.parseInt(args[++i]);
                case "--batches" -> batches = ints(args[++i]);
                case "--steps" -> steps = ints(args[++i]);
                case "--threads" -> threads = ints(args[++i]);
                case "--no-convergence" -> conv = false;
                case "--no-timing" -> time = false;
                case "--cpu-clock" -> cpu = true;
                case "--trained" -> trained = args[++i];
                case "--train-steps" -> trainSteps = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + a
                        + " (known: --cell, --hidden, --reps, --conv-min, --conv-max, --batches, --steps, --threads, --no-convergence, --no-timing, --cpu-clock, --trained TEXT, --train-steps)");
            }
        }
        List<Convergence> c = conv ? convergence(cell, hidden, lo, hi, 1) : List.of();
        if (conv) System.out.print(markdown(c, List.of()));
        if (trained != null) {
            TrainedConvergence.Outcome o = TrainedConvergence.run(cell, hidden, java.nio.file.Path.of(trained), trainSteps, lo, hi, 1);
            System.out.printf(Locale.ROOT, "%nafter %d AdamW steps on %s (byte LM, T=128, batch 16): loss %.3f -> %.3f nats/byte%n%n",
                    o.steps(), trained, o.firstLoss(), o.lastLoss());
            System.out.print(markdown(o.rows(), List.of()));
        }
        if (cpu) threads = new int[] {1};
        List<Timing> t = time ? timings(cell, hidden, batches, steps, threads, reps, cpu) : List.of();
        if (time) {
            if (cpu) System.out.println("times: CPU time of the one compute thread (load-robust)");
            System.out.print(markdown(List.of(), t));
        }
    }

    private static int[] ints(String s) {
        return Arrays.stream(s.split(",")).mapToInt(v -> Integer.parseInt(v.trim())).toArray();
    }
}
