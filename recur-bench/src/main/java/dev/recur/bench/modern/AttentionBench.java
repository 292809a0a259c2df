package dev.recur.bench.modern;

import dev.recur.layer.LayerConfig;
import dev.recur.layer.LayerRegistry;
import dev.recur.layer.LayerState;
import dev.recur.layer.SequenceLayer;
import dev.recur.random.Rng;
import dev.recur.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Causal attention ({@code attention}) and sliding-window attention ({@code swa}, window 256),
 * width 256 with 4 heads, over {@code steps x batch} tokens: the blocked sequence form, with its
 * backward pass, and token-by-token decoding with the KV cache.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-XX:+UseParallelGC", "-Xmx4g"})
public class AttentionBench {
    @Param({"2048"})
    public int steps;

    @Param({"4"})
    public int batch;

    @Param({"attention", "swa"})
    public String layerName;

    private SequenceLayer layer;
    private Tensor x, seed;

    @Setup
    public void setup() {
        Rng rng = new Rng(13);
        Map<String, String> opts = layerName.equals("swa") ? Map.of("window", "256") : Map.of();
        layer = LayerRegistry.create(new LayerConfig(layerName, 256, 256, opts), rng.split());
        x = LayerRuns.normal(rng, steps, batch, 256);
        seed = LayerRuns.normal(rng, steps, batch, 256);
    }

    @Benchmark
    public Tensor sequence() {
        return LayerRuns.sequence(layer, x);
    }

    @Benchmark
    public Tensor sequenceBackward() {
        return LayerRuns.sequenceBackward(layer, x, seed);
    }

    @Benchmark
    public LayerState step() {
        return LayerRuns.step(layer, x);
    }
}
