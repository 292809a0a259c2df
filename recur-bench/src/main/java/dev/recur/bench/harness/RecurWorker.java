package dev.recur.bench.harness;

import dev.recur.autodiff.GradMode;
import dev.recur.bench.gemm.GemmShape;
import dev.recur.bench.pararnn.ParaRnnMeasure;
import dev.recur.autodiff.Var;
import dev.recur.kernel.Backends;
import dev.recur.kernel.Gemm;
import dev.recur.kernel.Parallel;
import dev.recur.layer.LayerConfig;
import dev.recur.layer.LayerRegistry;
import dev.recur.layer.LayerState;
import dev.recur.layer.SequenceLayer;
import dev.recur.ops.Reduce;
import dev.recur.optim.Sgd;
import dev.recur.random.Rng;
import dev.recur.rnn.Stream;
import dev.recur.tensor.Tensor;

import java.util.Arrays;
import java.util.List;

/**
 * Recur's side of {@code recur bench}: one process is one run of one suite, speaking the same
 * protocol as the peers' workers (one JSON line per figure on stdout). Layers are made through
 * {@link LayerRegistry} by name, so a suite whose layers have not landed in this build reports them
 * as unsupported instead of failing to compile.
 *
 * <p>The training step is forward, the mean of the output, backward and an SGD step; inference runs
 * with gradients off; streaming calls {@code step} on one input with the carried state. Compute
 * runs on the default thread count (all cores) except in the gemm suite, which sets 1 and 2.
 *
 * <p>{@code RecurWorker --suite gemm --cases 256x256x256,... [--threads 1,2] | --suite rnn|stream|modern|pararnn
 * --cases ... [--input 64] [--min-time 1] [--max-samples 5] [--steps 2000]}
 */
public final class RecurWorker {
    private final double warmup, minTime;
    private final int maxSamples;

    private RecurWorker(double warmup, double minTime, int maxSamples) {
        this.warmup = warmup;
        this.minTime = minTime;
        this.maxSamples = maxSamples;
    }

    public static void main(String[] args) {
        String suite = null, cases = null, threads = "1,2";
        int input = Plan.INPUT, maxSamples = 5, steps = 2000;
        double minTime = 1.0, warmup = 0.5;
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) throw new IllegalArgumentException("option " + args[i] + " needs a value");
            String v = args[i + 1];
            switch (args[i]) {
                case "--suite" -> suite = v;
                case "--cases" -> cases = v;
                case "--threads" -> threads = v;
                case "--input" -> input = Integer.parseInt(v);
                case "--min-time" -> minTime = Double.parseDouble(v);
                case "--warmup" -> warmup = Double.parseDouble(v);
                case "--max-samples" -> maxSamples = Integer.parseInt(v);
                case "--steps" -> steps = Integer.parseInt(v);
                default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'");
            }
        }
        if (suite == null || cases == null) throw new IllegalArgumentException("--suite and --cases are required");
        System.out.println("{\"info\":{\"system\":\"recur\",\"backend\":\"" + Backends.active().name()
                + "\",\"threads\":" + Parallel.threads() + ",\"java\":\"" + System.getProperty("java.version") + "\"}}");
        RecurWorker w = new RecurWorker(warmup, minTime, maxSamples);
        w.warmUpProcess(suite, cases, input);
        for (String spec : cases.split(",")) {
            String[] p = spec.split(":");
            switch (suite) {
                case "gemm" -> {
                    for (String t : threads.split(",")) w.gemm(spec, Integer.parseInt(t.strip()));
                }
                case "rnn", "modern", "pararnn" -> {
                    if (!w.registered(suite, spec, p[0])) continue;
                    if (p.length > 4 && p[4].equals("c")) {
                        convergence(p[0], Integer.parseInt(p[1]), Integer.parseInt(p[2]));
                        continue;
                    }
                    w.sequence(suite, p[0], Integer.parseInt(p[1]), Integer.parseInt(p[2]), Integer.parseInt(p[3]),
                            p.length > 4 ? p[4] : "ti", suite.equals("rnn") ? input : Integer.parseInt(p[1]), p.length > 5 ? p[5] : "");
                }
                case "stream" -> {
                    if (!w.registered(suite, spec, p[0])) continue;
                    w.stream(p[0], Integer.parseInt(p[1]), Integer.parseInt(p[2]), input, steps);
                }
                default -> throw new IllegalArgumentException("unknown suite '" + suite + "'");
            }
        }
    }

    /**
     * A fresh JVM runs the Vector API interpreted, orders of magnitude slower, until C2 has compiled
     * the kernels: before the first case, run the GEMM and each case's layer at a small size for
     * about {@code 4 x warmup} seconds in all, so that no case pays for compilation.
     */
    private void warmUpProcess(String suite, String cases, int input) {
        long budget = (long) (4 * warmup * 1e9), t0 = System.nanoTime();
        Gemm gemm = Backends.active().gemm();
        float[] a = new float[32 * 256], b = new float[256 * 1024], c = new float[32 * 1024];
        long gemmEnd = t0 + budget / 3;
        while (System.nanoTime() < gemmEnd) { // a batch-32 and a batch-1 product, a wide and a narrow one: each kernel path
            gemm.sgemm(false, false, 32, 1024, 256, 1f, a, 0, 256, b, 0, 1024, 0f, c, 0, 1024);
            gemm.sgemm(false, false, 32, 256, 64, 1f, a, 0, 64, b, 0, 256, 0f, c, 0, 256);
            gemm.sgemm(false, false, 1, 1024, 256, 1f, a, 0, 256, b, 0, 1024, 0f, c, 0, 1024);
        }
        if (suite.equals("gemm")) return;
        java.util.LinkedHashSet<String> layers = new java.util.LinkedHashSet<>();
        for (String spec : cases.split(",")) {
            String[] p = spec.split(":");
            if (LayerRegistry.contains(Plan.recurLayer(p[0]))) layers.add(p[0] + (p.length > 5 ? ":" + p[5] : ""));
        }
        if (layers.isEmpty()) return;
        long each = (budget - (System.nanoTime() - t0)) / layers.size();
        for (String l : layers) {
            String[] p = l.split(":");
            LayerConfig config = new LayerConfig(Plan.recurLayer(p[0]), suite.equals("rnn") || suite.equals("stream") ? input : 32, 32);
            for (String kv : p.length > 1 ? p[1].split(";") : new String[0]) {
                String[] f = kv.split("=", 2);
                if (!f[0].equals("threads")) config = config.with(f[0], f[1]);
            }
            SequenceLayer layer = LayerRegistry.create(config, new Rng(1));
            Tensor x = Tensor.zeros(16, 4, config.inputSize());
            Sgd opt = new Sgd(layer.namedParameters(), 0.01);
            long end = System.nanoTime() + each;
            if (suite.equals("stream")) {
                // the stream case's own path: Stream's packed step at batch 1, many steps per state
                Stream stream = new Stream(List.of(layer));
                Tensor x1 = x.select(0, 0).narrow(0, 0, 1).contiguous();
                while (System.nanoTime() < end) {
                    Stream.State st = stream.zeroState(1);
                    for (int i = 0; i < 100; i++) st = stream.step(x1, st).state();
                }
                continue;
            }
            while (System.nanoTime() < end) {
                opt.zeroGrad();
                Reduce.mean(layer.forward(Var.constant(x)).output()).backward();
                try (GradMode.Scope off = GradMode.off()) {
                    layer.forward(Var.constant(x)); // the inference path (a classic layer's packed step loop)
                    layer.step(Var.constant(x.select(0, 0)), layer.zeroState(4));
                }
            }
        }
    }

    private boolean registered(String suite, String spec, String layer) {
        if (LayerRegistry.contains(Plan.recurLayer(layer))) return true;
        System.out.println("{\"unsupported\":{\"suite\":\"" + suite + "\",\"case\":\"" + spec
                + "\",\"why\":\"layer '" + layer + "' is not registered in this build\"}}");
        return false;
    }

    private void gemm(String shape, int threads) {
        String[] d = shape.split("x");
        int m = Integer.parseInt(d[0]), k = Integer.parseInt(d[1]), n = Integer.parseInt(d[2]);
        Parallel.setThreads(threads);
        emit("gemm", Plan.gemmCase(shape, threads), "gflops", "GFLOP/s", sgemmGflops(m, k, n, warmup, minTime, maxSamples));
    }

    /** Recur's SGEMM (C = A·B, row-major, beta 0) in GFLOP/s, calls batched so each sample lasts >= 20 ms. */
    static double sgemmGflops(int m, int k, int n, double warmup, double minTime, int maxSamples) {
        GemmShape.Operands ops = new GemmShape(m, k, n).operands();
        float[] a = ops.a(), b = ops.b(), c = ops.c();
        Gemm gemm = Backends.active().gemm();
        Runnable once = () -> gemm.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n);
        // Calls per sample from a warm-up of fixed wall time (the process warm-up has compiled the kernels).
        long end = System.nanoTime() + (long) (Math.max(0.3, warmup) * 1e9);
        long calls = 0;
        while (System.nanoTime() < end) {
            once.run();
            calls++;
        }
        int batch = (int) Math.max(1, calls / 15); // about 20 ms of calls per sample
        double s = Timing.medianSeconds(() -> {
            for (int i = 0; i < batch; i++) once.run();
        }, 0, minTime, maxSamples * 3) / batch;
        return 2.0 * m * k * n / s / 1e9;
    }

    private static int gates(String cell) {
        return switch (cell) {
            case "lstm" -> 4;
            case "gru" -> 3;
            case "rnn" -> 1;
            default -> 0; // not a classic cell: no GEMM-equivalent count
        };
    }

    /**
     * One sequence case. {@code options} are the layer's config options ({@code key=value;...});
     * {@code threads=N} among them sets the compute threads instead. Modes: t = training step,
     * i = inference over the sequence, s = inference one step per call over the same sequence.
     */
    private void sequence(String suite, String layerName, int hidden, int steps, int batch, String modes, int input, String options) {
        String name = suite.equals("rnn") ? Plan.rnnCase(layerName, hidden, steps, batch) : Plan.modernCase(layerName, hidden, steps, batch, options);
        Timing.resetPeakRss();
        Rng rng = new Rng(42);
        LayerConfig config = new LayerConfig(Plan.recurLayer(layerName), input, hidden);
        int threads = Runtime.getRuntime().availableProcessors();
        for (String kv : options.isEmpty() ? new String[0] : options.split(";")) {
            String[] f = kv.split("=", 2);
            if (f[0].equals("threads")) threads = Integer.parseInt(f[1]);
            else config = config.with(f[0], f[1]);
        }
        Parallel.setThreads(threads);
        SequenceLayer layer = LayerRegistry.create(config, rng);
        Tensor x = Tensor.zeros(steps, batch, input);
        rng.fillUniform(x.data(), 0, x.numel(), -0.5f, 0.5f);
        double tokens = (double) batch * steps;
        int g = gates(layerName);
        double flops = 2.0 * g * hidden * (input + hidden) * tokens; // one forward pass, GEMM-equivalent
        double sgemm = g == 0 ? Double.NaN : sgemmGflops(batch, hidden, g * hidden, warmup, 0.3, 9);
        if (g > 0) emit(suite, name, "sgemm_gflops", "GFLOP/s", sgemm);
        if (modes.contains("t")) {
            layer.train(true);
            Sgd opt = new Sgd(layer.namedParameters(), 0.01);
            double s = Timing.medianSeconds(() -> {
                opt.zeroGrad();
                Var loss = Reduce.mean(layer.forward(Var.constant(x)).output());
                loss.backward();
                opt.step();
            }, warmup, minTime, maxSamples);
            emit(suite, name, "train_tokens_per_s", "tokens/s", tokens / s);
            if (g > 0) {
                emit(suite, name, "train_gflops", "GFLOP/s", 3 * flops / s / 1e9);
                emit(suite, name, "train_sgemm_fraction", "ratio", 3 * flops / s / 1e9 / sgemm);
            }
        }
        layer.eval();
        if (modes.contains("i")) {
            double s = Timing.medianSeconds(() -> {
                try (GradMode.Scope off = GradMode.off()) {
                    layer.forward(Var.constant(x));
                }
            }, warmup, minTime, maxSamples);
            emit(suite, name, "infer_tokens_per_s", "tokens/s", tokens / s);
            if (g > 0) {
                emit(suite, name, "infer_gflops", "GFLOP/s", flops / s / 1e9);
                emit(suite, name, "infer_sgemm_fraction", "ratio", flops / s / 1e9 / sgemm);
            }
        }
        if (modes.contains("s")) {
            double s = Timing.medianSeconds(() -> {
                try (GradMode.Scope off = GradMode.off()) {
                    LayerState state = layer.zeroState(batch);
                    for (int t = 0; t < steps; t++) state = layer.step(Var.constant(x.select(0, t)), state).state();
                }
            }, warmup, minTime, maxSamples);
            emit(suite, name, "step_tokens_per_s", "tokens/s", tokens / s);
        }
        emit(suite, name, "peak_rss", "MiB", Timing.peakRssMib());
    }

    /**
     * ParaRNN's Newton solve at initialisation (issue 6): iterations to convergence and final
     * residual for T = 256 .. maxSteps (powers of two, batch 1), through the pararnn family's own
     * {@link ParaRnnMeasure#convergence}.
     */
    private static void convergence(String layer, int hidden, int maxSteps) {
        int hi = 31 - Integer.numberOfLeadingZeros(maxSteps);
        for (ParaRnnMeasure.Convergence c : ParaRnnMeasure.convergence(layer, hidden, 8, hi, 7)) {
            String name = Plan.modernCase(layer, hidden, c.steps(), 1, "mode=newton");
            emit("pararnn", name, "newton_iterations", "iterations", c.iterations());
            emit("pararnn", name, "newton_residual", "residual", c.residual());
        }
    }

    /**
     * Streaming inference through {@link Stream}, the library's streaming API (what an application
     * serving one input at a time uses): the weights packed once when the stream is made, then one
     * step per call with the carried state, as the peers call their module on one time step.
     */
    private void stream(String cell, int hidden, int batch, int input, int steps) {
        String name = Plan.streamCase(cell, hidden, batch);
        Rng rng = new Rng(42);
        SequenceLayer layer = LayerRegistry.create(new LayerConfig(Plan.recurLayer(cell), input, hidden), rng);
        layer.eval();
        Stream stream = new Stream(List.of(layer));
        Tensor x = Tensor.zeros(batch, input);
        rng.fillUniform(x.data(), 0, x.numel(), -0.5f, 0.5f);
        long[] ns = new long[steps];
        double total;
        Stream.State state = stream.zeroState(batch);
        // at least a second and 2000 steps: C2 must have compiled the step's vector kernels, or they run boxed
        long warm = System.nanoTime() + (long) (Math.max(1.0, warmup) * 1e9);
        for (int i = 0; i < Math.max(2000, steps / 4) || System.nanoTime() < warm; i++) state = stream.step(x, state).state(); // warm-up
        state = stream.zeroState(batch);
        long t0 = System.nanoTime();
        for (int i = 0; i < steps; i++) {
            long a = System.nanoTime();
            state = stream.step(x, state).state();
            ns[i] = System.nanoTime() - a;
        }
        total = (System.nanoTime() - t0) * 1e-9;
        Arrays.sort(ns);
        emit("stream", name, "steps_per_s", "steps/s", steps / total);
        emit("stream", name, "p50_latency", "us", ns[steps / 2] / 1e3);
        emit("stream", name, "p99_latency", "us", ns[Math.min(steps - 1, (int) Math.ceil(steps * 0.99) - 1)] / 1e3);
    }

    private static void emit(String suite, String name, String metric, String unit, double value) {
        System.out.println(dev.recur.io.json.Json.write(new Measurement(suite, name, "recur", metric, unit, value).toJson()));
        System.out.flush();
    }
}
