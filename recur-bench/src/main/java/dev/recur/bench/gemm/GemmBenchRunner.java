package dev.recur.bench.gemm;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs {@link GemmBench} through JMH and prints one JSON line per configuration on stdout (the
 * format of {@code recur-bench/peers/numpy_sgemm.py}, so the two can be tabulated together):
 * {@code {"impl":"recur","shape":"MxKxN","m":..,"k":..,"n":..,"threads":..,"packed":..,"seconds":..,"gflops":..}}.
 * The time is the median of JMH's measurement iterations (robust to a neighbour's burst of load).
 *
 * <p>Options: {@code --shapes 256x256x256,...} {@code --threads 1,2} {@code --packed false,true}
 * {@code --warmup N} {@code --iterations N} {@code --time-ms T} {@code --verbose}.
 */
public final class GemmBenchRunner {
    private GemmBenchRunner() {}

    public static void main(String[] args) throws RunnerException {
        Map<String, String> opt = parse(args);
        // JMH's single-instance lock would make this fail while another benchmark runs on the
        // machine; the comparison script measures interleaved with a peer anyway.
        System.setProperty("jmh.ignoreLock", "true");
        int timeMs = Integer.parseInt(opt.getOrDefault("time-ms", "1000"));
        ChainedOptionsBuilder ob = new OptionsBuilder()
                .include(GemmBench.class.getName() + ".sgemm")
                .warmupIterations(Integer.parseInt(opt.getOrDefault("warmup", "5")))
                .measurementIterations(Integer.parseInt(opt.getOrDefault("iterations", "5")))
                .warmupTime(TimeValue.milliseconds(timeMs))
                .measurementTime(TimeValue.milliseconds(timeMs))
                .verbosity(opt.containsKey("verbose") ? VerboseMode.NORMAL : VerboseMode.SILENT);
        if (opt.containsKey("shapes")) ob.param("shape", opt.get("shapes").split(","));
        if (opt.containsKey("threads")) ob.param("threads", opt.get("threads").split(","));
        if (opt.containsKey("packed")) ob.param("packedB", opt.get("packed").split(","));
        Collection<RunResult> results = new Runner(ob.build()).run();
        for (RunResult r : results) {
            GemmShape s = GemmShape.parse(r.getParams().getParam("shape"));
            double medianUs = r.getPrimaryResult().getStatistics().getPercentile(50);
            double seconds = medianUs * 1e-6;
            System.out.println(String.format(Locale.ROOT,
                    "{\"impl\":\"recur\",\"shape\":\"%s\",\"m\":%d,\"k\":%d,\"n\":%d,\"threads\":%s,\"packed\":%s,"
                            + "\"seconds\":%.6e,\"gflops\":%.2f}",
                    s, s.m(), s.k(), s.n(), r.getParams().getParam("threads"), r.getParams().getParam("packedB"),
                    seconds, s.flops() / seconds / 1e9));
        }
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> opt = new LinkedHashMap<>();
        List<String> rest = new ArrayList<>(List.of(args));
        while (!rest.isEmpty()) {
            String key = rest.removeFirst();
            if (!key.startsWith("--")) throw new IllegalArgumentException("unexpected argument '" + key + "'");
            key = key.substring(2);
            if (key.equals("verbose")) {
                opt.put(key, "true");
            } else {
                if (rest.isEmpty()) throw new IllegalArgumentException("--" + key + " needs a value");
                opt.put(key, rest.removeFirst());
            }
        }
        return opt;
    }
}
