package dev.recur.bench.dl4j;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.RnnLossLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * The Deeplearning4j peer of {@code recur bench}: one process is one run of one suite. It speaks the
 * bench workers' protocol (see recur-bench's {@code dev.recur.bench.harness.WorkerProtocol}): the
 * cases arrive as {@code cell:hidden:steps:batch:modes} specs, and each figure leaves as one JSON
 * line {@code {"suite","case","system":"dl4j","metric","unit","value"}} on stdout.
 *
 * <p>DL4J has LSTM and SimpleRnn (spelled {@code rnn} in the specs) but no GRU; a {@code gru} case
 * is answered with an {@code unsupported} line so the report shows the gap. Training is
 * {@code fit()} on a network of the recurrent layer and a parameter-free MSE {@link RnnLossLayer}
 * (so no extra dense layer is timed), inference is {@code output()}, streaming is
 * {@code rnnTimeStep()} on a batch of one. Arrays are NCW (batch, features, time), DL4J's default.
 *
 * <p>{@code Dl4jWorker --suite rnn|stream --cases lstm:256:128:32:ti,... [--input 64] [--warmup 0.5]
 * [--min-time 1.0] [--max-samples 5] [--steps 2000]}
 */
public final class Dl4jWorker {
    /** Seconds of warm-up calls before each measurement (at least one call), from --warmup. */
    private static double warmup = 0.5;

    private Dl4jWorker() {}

    public static void main(String[] args) {
        String suite = null, cases = null;
        int input = 64, maxSamples = 5, steps = 2000;
        double minTime = 1.0;
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) fail("option " + args[i] + " needs a value");
            String v = args[i + 1];
            switch (args[i]) {
                case "--suite" -> suite = v;
                case "--cases" -> cases = v;
                case "--input" -> input = Integer.parseInt(v);
                case "--min-time" -> minTime = Double.parseDouble(v);
                case "--warmup" -> warmup = Double.parseDouble(v);
                case "--max-samples" -> maxSamples = Integer.parseInt(v);
                case "--steps" -> steps = Integer.parseInt(v);
                default -> fail("unknown option '" + args[i] + "'");
            }
        }
        if (suite == null || cases == null) fail("--suite and --cases are required");
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        info();
        sgemmGflops(32, 256, 1024); // the first products pay for loading and starting the BLAS: not a case's figure
        for (String spec : cases.split(",")) {
            String[] p = spec.split(":");
            String cell = p[0];
            int hidden = Integer.parseInt(p[1]);
            if (!cell.equals("lstm") && !cell.equals("rnn")) {
                unsupported(suite, spec, "Deeplearning4j has no '" + cell + "' layer");
                continue;
            }
            switch (suite) {
                case "rnn" -> rnn(cell, hidden, Integer.parseInt(p[2]), Integer.parseInt(p[3]), p.length > 4 ? p[4] : "ti",
                        input, minTime, maxSamples);
                case "stream" -> stream(cell, hidden, Integer.parseInt(p[2]), input, steps);
                default -> fail("suite '" + suite + "' is not one the DL4J peer runs (rnn, stream)");
            }
        }
    }

    private static MultiLayerNetwork network(String cell, int input, int hidden) {
        Layer layer = cell.equals("lstm")
                ? new LSTM.Builder().nIn(input).nOut(hidden).activation(Activation.TANH).build()
                : new SimpleRnn.Builder().nIn(input).nOut(hidden).activation(Activation.TANH).build();
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(42)
                .dataType(DataType.FLOAT)
                .updater(new Sgd(0.01))
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(layer)
                .layer(new RnnLossLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static void rnn(String cell, int hidden, int steps, int batch, String modes, int input, double minTime, int maxSamples) {
        String name = cell + " H=" + hidden + " T=" + steps + " B=" + batch;
        resetPeakRss();
        MultiLayerNetwork net = network(cell, input, hidden);
        INDArray x = Nd4j.rand(DataType.FLOAT, batch, input, steps).subi(0.5);
        INDArray y = Nd4j.rand(DataType.FLOAT, batch, hidden, steps).subi(0.5);
        double tokens = (double) batch * steps;
        double flops = 2.0 * gates(cell) * hidden * (input + hidden) * tokens; // one forward pass
        double sgemm = sgemmGflops(batch, hidden, gates(cell) * hidden);
        emit("rnn", name, "sgemm_gflops", "GFLOP/s", sgemm);
        if (modes.contains("t")) {
            double s = time(() -> net.fit(x, y), minTime, maxSamples);
            emit("rnn", name, "train_tokens_per_s", "tokens/s", tokens / s);
            emit("rnn", name, "train_gflops", "GFLOP/s", 3 * flops / s / 1e9);
            emit("rnn", name, "train_sgemm_fraction", "ratio", 3 * flops / s / 1e9 / sgemm);
        }
        if (modes.contains("i")) {
            double s = time(() -> net.output(x), minTime, maxSamples);
            emit("rnn", name, "infer_tokens_per_s", "tokens/s", tokens / s);
            emit("rnn", name, "infer_gflops", "GFLOP/s", flops / s / 1e9);
            emit("rnn", name, "infer_sgemm_fraction", "ratio", flops / s / 1e9 / sgemm);
        }
        emit("rnn", name, "peak_rss", "MiB", peakRssMib());
    }

    private static void stream(String cell, int hidden, int batch, int input, int steps) {
        String name = cell + " H=" + hidden + " B=" + batch;
        MultiLayerNetwork net = network(cell, input, hidden);
        INDArray x = Nd4j.rand(DataType.FLOAT, batch, input).subi(0.5);
        for (int i = 0; i < Math.max(200, steps / 4); i++) net.rnnTimeStep(x); // warm-up
        net.rnnClearPreviousState();
        long[] ns = new long[steps];
        long t0 = System.nanoTime();
        for (int i = 0; i < steps; i++) {
            long a = System.nanoTime();
            net.rnnTimeStep(x);
            ns[i] = System.nanoTime() - a;
        }
        double total = (System.nanoTime() - t0) * 1e-9;
        Arrays.sort(ns);
        emit("stream", name, "steps_per_s", "steps/s", steps / total);
        emit("stream", name, "p50_latency", "us", ns[steps / 2] / 1e3);
        emit("stream", name, "p99_latency", "us", ns[Math.min(steps - 1, (int) Math.ceil(steps * 0.99) - 1)] / 1e3);
    }

    private static int gates(String cell) {
        return cell.equals("lstm") ? 4 : 1;
    }

    /** ND4J's own matrix product at the recurrent step's shape (batch × hidden times hidden × gates·hidden). */
    private static double sgemmGflops(int m, int k, int n) {
        INDArray a = Nd4j.rand(DataType.FLOAT, m, k), b = Nd4j.rand(DataType.FLOAT, k, n), c = Nd4j.create(DataType.FLOAT, m, n);
        double s = time(() -> a.mmuli(b, c), 0.3, 9);
        return 2.0 * m * k * n / s / 1e9;
    }

    /**
     * Median seconds per call: warm-up calls for {@link #warmup} seconds and until a call is no more
     * than 10 % faster than the fastest before it (capped at 10x the warm-up time), then samples
     * until {@code minTime} has passed (at least one): the loop of Recur's Timing.medianSeconds.
     */
    private static double time(Runnable op, double minTime, int maxSamples) {
        long w0 = System.nanoTime();
        double best = Double.POSITIVE_INFINITY;
        for (int calls = 1; ; calls++) {
            long t = System.nanoTime();
            op.run();
            long now = System.nanoTime();
            double last = (now - t) * 1e-9, elapsed = (now - w0) * 1e-9;
            if (elapsed >= 10 * warmup || elapsed >= warmup && calls >= 2 && last >= 0.9 * best) break;
            best = Math.min(best, last);
        }
        List<Double> samples = new ArrayList<>();
        long start = System.nanoTime();
        do {
            long a = System.nanoTime();
            op.run();
            samples.add((System.nanoTime() - a) * 1e-9);
        } while (samples.size() < maxSamples && (System.nanoTime() - start) * 1e-9 < minTime);
        samples.sort(null);
        return samples.get(samples.size() / 2);
    }

    /** Resets the kernel's high-water mark of this process's RSS (Linux >= 4.0), so each case reports its own peak. */
    private static void resetPeakRss() {
        try {
            java.nio.file.Files.writeString(java.nio.file.Path.of("/proc/self/clear_refs"), "5");
        } catch (Exception e) {
            // Not Linux or not permitted: the peak then covers the process so far, which the report states.
        }
    }

    private static double peakRssMib() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        } catch (Exception e) {
            // fall through
        }
        return Double.NaN;
    }

    private static void info() {
        String version = "unknown";
        try (InputStream in = MultiLayerNetwork.class.getResourceAsStream(
                "/META-INF/maven/org.deeplearning4j/deeplearning4j-nn/pom.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                version = p.getProperty("version", version);
            }
        } catch (Exception e) {
            // the label is informative only
        }
        System.out.println("{\"info\":{\"system\":\"dl4j\",\"version\":\"" + version + "\",\"backend\":\""
                + Nd4j.getBackend().getClass().getSimpleName() + "\",\"java\":\"" + System.getProperty("java.version") + "\"}}");
    }

    private static void emit(String suite, String name, String metric, String unit, double value) {
        System.out.println(String.format(Locale.ROOT,
                "{\"suite\":\"%s\",\"case\":\"%s\",\"system\":\"dl4j\",\"metric\":\"%s\",\"unit\":\"%s\",\"value\":%s}",
                suite, name, metric, unit, Double.isFinite(value) ? String.format(Locale.ROOT, "%.6g", value) : "null"));
        System.out.flush();
    }

    private static void unsupported(String suite, String spec, String why) {
        System.out.println("{\"unsupported\":{\"suite\":\"" + suite + "\",\"case\":\"" + spec + "\",\"why\":\"" + why + "\"}}");
    }

    private static void fail(String message) {
        System.err.println("dl4j worker: " + message);
        System.exit(2);
    }
}
