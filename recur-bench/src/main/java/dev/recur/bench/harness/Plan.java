package dev.recur.bench.harness;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * What each suite measures, for the quick (smoke, under 3 minutes) and the full run, as case specs
 * that every worker reads the same way:
 * <ul>
 *   <li>gemm: {@code MxKxN} shapes at 1 and 2 threads: squares 256–2048 and the recurrent step
 *       B×H times H×4H for B in 1, 8, 32, 64 and H in 256, 1024;</li>
 *   <li>rnn: {@code cell:hidden:steps:batch:modes} (modes t = training step, i = inference):
 *       LSTM and GRU (and the Elman RNN where registered), B=32, T=128, input 64, hidden 256 and
 *       1024, plus the LSTM scaling curves (inference) over T 128…8192 and hidden 64…2048;</li>
 *   <li>stream: {@code cell:hidden:batch}, batch 1, hidden 256, one step per call;</li>
 *   <li>modern: {@code layer:width:steps:batch:modes[:key=value;...]} for the registered
 *       state-space, attention and linear-attention layers (Recur only: no peer has them; modes
 *       t = training step, i = inference, s = inference one step per call);</li>
 *   <li>pararnn: the parallel-in-time recurrences, same spec, {@code mode=newton|sequential} and
 *       {@code threads=N} among the options; mode {@code c} reports Newton's iterations and
 *       residual for T = 256 up to the spec's length.</li>
 * </ul>
 */
public record Plan(boolean quick, int rounds, double warmup, double minTime, int maxSamples, int streamSteps) {
    public static final int INPUT = 64;

    /** The time a run aims to stay within (seconds): what the issue allows, less a margin for building and reporting. */
    public double budgetSeconds() {
        return quick ? 160 : 27 * 60;
    }

    public static Plan of(boolean quick, Integer rounds) {
        return quick ? new Plan(true, rounds == null ? 2 : rounds, 0.25, 0.3, 3, 500)
                : new Plan(false, rounds == null ? 3 : rounds, 0.5, 1.0, 5, 2000);
    }

    /** Recur's registry name of a classic cell: the Elman RNN with tanh is {@code rnn_tanh} there, {@code rnn} in the cases. */
    public static String recurLayer(String cell) {
        return cell.equals("rnn") ? "rnn_tanh" : cell;
    }

    public static String gemmCase(String shape, int threads) {
        return shape + " threads=" + threads;
    }

    public static String rnnCase(String cell, int hidden, int steps, int batch) {
        return cell + " H=" + hidden + " T=" + steps + " B=" + batch;
    }

    public static String streamCase(String cell, int hidden, int batch) {
        return cell + " H=" + hidden + " B=" + batch;
    }

    /** A modern or pararnn case: the layer, its size, and its options ({@code mode=chunk threads=1}) when it has any. */
    public static String modernCase(String layer, int width, int steps, int batch, String options) {
        return layer + " W=" + width + " T=" + steps + " B=" + batch + (options.isEmpty() ? "" : " " + options.replace(';', ' '));
    }

    public List<String> gemmShapes() {
        List<String> shapes = new ArrayList<>();
        int[] squares = quick ? new int[] {256, 1024} : new int[] {256, 512, 1024, 2048};
        for (int n : squares) shapes.add(n + "x" + n + "x" + n);
        int[] batches = quick ? new int[] {1, 32} : new int[] {1, 8, 32, 64};
        int[] hiddens = quick ? new int[] {256} : new int[] {256, 1024};
        for (int h : hiddens) {
            for (int b : batches) shapes.add(b + "x" + h + "x" + 4 * h);
        }
        return shapes;
    }

    public List<Integer> gemmThreads() {
        return List.of(1, 2);
    }

    /** The rnn suite's specs; {@code hasCell} says which cells Recur has registered (the Elman RNN is optional). */
    public List<String> rnnCases(Predicate<String> hasCell) {
        Map<String, String> specs = new LinkedHashMap<>(); // cell:H:T:B -> modes, so the curves reuse the table's cases
        List<String> cells = new ArrayList<>(List.of("lstm", "gru"));
        if (hasCell.test("rnn")) cells.add("rnn");
        int[] tableHidden = quick ? new int[] {256} : new int[] {256, 1024};
        for (String cell : cells) {
            for (int h : tableHidden) merge(specs, cell + ":" + h + ":128:32", "ti");
        }
        int[] curveHidden = quick ? new int[] {64, 256} : new int[] {64, 128, 256, 512, 1024, 2048};
        int[] curveSteps = quick ? new int[] {128, 256} : new int[] {128, 256, 512, 1024, 2048, 4096, 8192};
        for (int h : curveHidden) merge(specs, "lstm:" + h + ":128:32", "i");
        for (int t : curveSteps) merge(specs, "lstm:256:" + t + ":32", "i");
        // Smallest first: a worker's peak RSS only grows (a JVM keeps the heap it has grown, allocators
        // keep arenas), so in ascending order each case's high-water mark is its own.
        List<String> out = new ArrayList<>();
        specs.forEach((k, modes) -> out.add(k + ":" + modes));
        out.sort(java.util.Comparator.comparingLong(Plan::footprint));
        return out;
    }

    /** A rough memory size of an rnn case: steps x batch x hidden, times 3 when it trains (saved activations). */
    static long footprint(String spec) {
        String[] p = spec.split(":");
        long size = Long.parseLong(p[1]) * Long.parseLong(p[2]) * Long.parseLong(p[3]) + Long.parseLong(p[1]) * Long.parseLong(p[1]);
        return p.length > 4 && p[4].contains("t") ? 3 * size : size;
    }

    private static void merge(Map<String, String> specs, String key, String modes) {
        specs.merge(key, modes, (a, b) -> {
            StringBuilder sb = new StringBuilder(a);
            for (char c : b.toCharArray()) if (a.indexOf(c) < 0) sb.append(c);
            return sb.toString();
        });
    }

    public List<String> streamCases(Predicate<String> hasCell) {
        List<String> out = new ArrayList<>(List.of("lstm:256:1"));
        if (!quick) {
            out.add("gru:256:1");
            if (hasCell.test("rnn")) out.add("rnn:256:1");
        }
        return out;
    }

    /**
     * The modern suite, after the layers' issue: chunkwise against recurrent GLA and DeltaNet
     * (forward + backward, T = 2048, width 256, batch 4), S4D's convolution against its recurrence
     * (T = 16384), Mamba's sequence form beside its step form, and every other registered layer's
     * training and inference throughput. Specs carry layer options after the modes
     * ({@code gla:256:2048:4:t:mode=chunk}).
     */
    public List<String> modernCases(Predicate<String> hasLayer) {
        List<String> out = new ArrayList<>();
        int t = quick ? 128 : 2048, tS4d = quick ? 1024 : 16384;
        for (String l : List.of("gla", "deltanet")) {
            if (quick && l.equals("deltanet")) continue;
            for (String mode : List.of("chunk", "recurrent")) add(out, hasLayer, l + ":256:" + t + ":4:t:mode=" + mode);
        }
        for (String mode : List.of("convolution", "recurrent")) add(out, hasLayer, "s4d:256:" + tS4d + ":4:i:mode=" + mode);
        add(out, hasLayer, "mamba:256:" + t + ":4:" + (quick ? "is" : "tis"));
        if (!quick) {
            for (String l : List.of("lssl", "attention", "swa", "gated_deltanet", "deltaproduct", "mlstm")) add(out, hasLayer, l + ":256:" + t + ":4:ti");
        }
        return out;
    }

    private static void add(List<String> out, Predicate<String> hasLayer, String spec) {
        if (hasLayer.test(spec.substring(0, spec.indexOf(':')))) out.add(spec);
    }

    /**
     * The pararnn suite, after its issue: Newton over parallel scans against the sequential
     * recurrence, forward and forward + backward, hidden 256, batch 1 and 8, T 1024 and 4096
     * (16384 in the issue's own runner), at 1 and 2 threads.
     */
    public List<String> pararnnCases(Predicate<String> hasLayer, List<String> layers) {
        List<String> out = new ArrayList<>();
        int[] steps = quick ? new int[] {512} : new int[] {1024, 4096};
        int[] batches = quick ? new int[] {8} : new int[] {1, 8};
        int[] threads = quick ? new int[] {2} : new int[] {1, 2};
        for (String l : quick ? layers.subList(0, Math.min(1, layers.size())) : layers) {
            for (int t : steps) {
                for (int b : batches) {
                    for (int th : threads) {
                        for (String mode : List.of("newton", "sequential")) {
                            add(out, hasLayer, l + ":256:" + t + ":" + b + ":ti:mode=" + mode + ";threads=" + th);
                        }
                    }
                }
            }
            add(out, hasLayer, l + ":256:" + (quick ? 1024 : 8192) + ":1:c"); // Newton's iterations for T = 256 .. that
        }
        return out;
    }
}
