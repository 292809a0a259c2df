package dev.recur.bench.rnn;

import dev.recur.autodiff.GradMode;
import dev.recur.autodiff.Var;
import dev.recur.layer.LayerConfig;
import dev.recur.layer.LayerRegistry;
import dev.recur.layer.SequenceLayer;
import dev.recur.loss.CrossEntropy;
import dev.recur.nn.Linear;
import dev.recur.nn.Parameter;
import dev.recur.ops.Shape;
import dev.recur.optim.AdamW;
import dev.recur.random.Rng;
import dev.recur.rnn.Stream;
import dev.recur.tensor.Tensor;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Throughput of the classic recurrent layers on the shapes of the PyTorch comparison
 * (peers/torch_rnn.py measures the same): a training step (forward, backward, AdamW) of one layer
 * under a linear softmax head of 64 classes, inference over a batch of sequences, and streaming
 * steps at batch 1. Plain static methods, so that a harness can call them; {@link #main} prints
 * one line per figure. Each figure is timed for about {@code seconds} after a warm-up.
 */
public final class RnnBench {
    public static final int CLASSES = 64;

    /**
     * A throughput: per wall-clock second, and per second of the process's CPU time (all threads),
     * which is steadier than wall time on a shared machine.
     */
    public record Rate(double perSecond, double perCpuSecond) {
        Rate times(double units) {
            return new Rate(units * perSecond, units * perCpuSecond);
        }
    }

    /** One measured figure: {@code kind} is train, infer or stream; the rate is tokens/s (steps/s for stream). */
    public record Result(String arch, String kind, int batch, int steps, int input, int hidden, Rate rate, double peakHeapMiB) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%-5s %-6s B=%-3d T=%-4d I=%-3d H=%-5d %12.0f %s/s  %12.0f per CPU-s  peak heap %.0f MiB",
                    arch, kind, batch, steps, input, hidden, rate.perSecond(), kind.equals("stream") ? "steps" : "tokens",
                    rate.perCpuSecond(), peakHeapMiB);
        }
    }

    private RnnBench() {}

    static SequenceLayer layer(String arch, int input, int hidden) {
        return LayerRegistry.create(new LayerConfig(arch, input, hidden), new Rng(42));
    }

    static Tensor randn(Rng rng, int... shape) {
        Tensor t = Tensor.zeros(shape);
        rng.fillNormal(t.data(), 0, t.numel(), 0f, 1f);
        return t;
    }

    /** Training tokens (B·T per step) per second. */
    public static Rate trainTokensPerSecond(String arch, int batch, int steps, int input, int hidden, double seconds) {
        Rng rng = new Rng(1);
        SequenceLayer l = layer(arch, input, hidden);
        Linear head = new Linear(hidden, CLASSES, rng);
        Map<String, Parameter> params = new LinkedHashMap<>();
        l.namedParameters().forEach((k, v) -> params.put("rnn." + k, v));
        head.namedParameters().forEach((k, v) -> params.put("head." + k, v));
        AdamW opt = new AdamW(params, 1e-3);
        Tensor x = randn(rng, steps, batch, input);
        int[] targets = new int[steps * batch];
        for (int i = 0; i < targets.length; i++) targets[i] = rng.nextInt(CLASSES);
        CrossEntropy ce = new CrossEntropy();
        Runnable step = () -> {
            try (var on = GradMode.on()) {
                Var y = l.forward(Var.constant(x)).output();
                Var logits = Shape.reshape(head.forward(y), steps * batch, CLASSES);
                ce.apply(logits, targets, null).backward();
            }
            opt.step();
            opt.zeroGrad();
        };
        return callsPerSecond(step, seconds).times((double) batch * steps);
    }

    /** Inference tokens per second over (T, B, I) batches. */
    public static Rate inferenceTokensPerSecond(String arch, int batch, int steps, int input, int hidden, double seconds) {
        SequenceLayer l = layer(arch, input, hidden);
        l.eval();
        Var x = Var.constant(randn(new Rng(2), steps, batch, input));
        Runnable run = () -> {
            try (var off = GradMode.off()) {
                l.forward(x);
            }
        };
        return callsPerSecond(run, seconds).times((double) batch * steps);
    }

    /** Streaming steps per second at batch 1, one input at a time through {@link Stream}. */
    public static Rate streamingStepsPerSecond(String arch, int input, int hidden, double seconds) {
        SequenceLayer l = layer(arch, input, hidden);
        l.eval();
        Stream s = new Stream(List.of(l));
        Tensor x = randn(new Rng(3), 1, input);
        Stream.State[] st = {s.zeroState(1)};
        int inner = 100;
        Runnable run = () -> {
            for (int i = 0; i < inner; i++) st[0] = s.step(x, st[0]).state();
        };
        return callsPerSecond(run, seconds).times(inner);
    }

    /** Calls per second (wall and CPU) after a warm-up, over at least 3 calls and about {@code seconds}. */
    static Rate callsPerSecond(Runnable r, double seconds) {
        long warmEnd = System.nanoTime() + (long) (seconds * 0.3e9);
        int warm = 0;
        while (warm < 2 || System.nanoTime() < warmEnd) {
            r.run();
            warm++;
        }
        int n = 0;
        long cpu0 = cpuNanos(), start = System.nanoTime(), end = start + (long) (seconds * 1e9);
        do {
            r.run();
            n++;
        } while (n < 3 || System.nanoTime() < end);
        double wall = (System.nanoTime() - start) / 1e9, cpu = (cpuNanos() - cpu0) / 1e9;
        return new Rate(n / wall, cpu > 0 ? n / cpu : Double.NaN);
    }

    static long cpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : -1;
    }

    /** Resets the heap pools' peak usage, so that {@link #peakHeapMiB} covers what runs next. */
    static void resetPeak() {
        System.gc();
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) if (p.getType() == MemoryType.HEAP) p.resetPeakUsage();
    }

    static double peakHeapMiB() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) if (p.getType() == MemoryType.HEAP) sum += p.getPeakUsage().getUsed();
        return sum / (1024.0 * 1024.0);
    }

    /** The comparison's figures: LSTM and GRU, B=32, T=128, input 64, hidden 256 and 1024; streaming at hidden 256. */
    public static List<Result> runAll(double seconds, List<String> kinds) {
        List<Result> out = new ArrayList<>();
        int B = 32, T = 128, I = 64;
        for (String arch : List.of("lstm", "gru")) {
            for (int H : new int[] {256, 1024}) {
                if (kinds.contains("train")) {
                    resetPeak();
                    Rate r = trainTokensPerSecond(arch, B, T, I, H, seconds);
                    out.add(new Result(arch, "train", B, T, I, H, r, peakHeapMiB()));
                }
                if (kinds.contains("infer")) {
                    resetPeak();
                    Rate r = inferenceTokensPerSecond(arch, B, T, I, H, seconds);
                    out.add(new Result(arch, "infer", B, T, I, H, r, peakHeapMiB()));
                }
            }
            if (kinds.contains("stream")) {
                resetPeak();
                Rate r = streamingStepsPerSecond(arch, I, 256, seconds);
                out.add(new Result(arch, "stream", 1, 1, I, 256, r, peakHeapMiB()));
            }
        }
        return out;
    }

    /** Usage: RnnBench [SECONDS_PER_FIGURE] [train,infer,stream]. */
    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        List<String> kinds = List.of((args.length > 1 ? args[1] : "train,infer,stream").split(","));
        System.out.println("backend " + dev.recur.kernel.Backends.active().name() + ", threads " + dev.recur.kernel.Parallel.threads());
        for (Result r : runAll(seconds, kinds)) System.out.println(r);
    }
}
