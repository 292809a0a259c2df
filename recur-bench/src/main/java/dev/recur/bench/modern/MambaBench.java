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

import java.util.concurrent.TimeUnit;

/**
 * The Mamba mixer ({@code mamba:H}, E = 2H, N = 16, conv 4) over {@code steps x batch} tokens:
 * the sequence form (projections as GEMMs over all tokens, the chunked selective scan), the same
 * with its backward pass, and the step form that decoding uses (one token at a time, conv cache
 * and SSM state). Tokens per second = steps * batch / time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-XX:+UseParallelGC", "-Xmx4g"})
public class MambaBench {
    @Param({"2048"})
    public int steps;

    @Param({"4"})
    public int batch;

    @Param({"256"})
    public int model;

    private SequenceLayer layer;
    private Tensor x, seed;

    @Setup
    public void setup() {
        Rng rng = new Rng(11);
        layer = LayerRegistry.create(new LayerConfig("mamba", model, model), rng.split());
        x = LayerRuns.normal(rng, steps, batch, model);
        seed = LayerRuns.normal(rng, steps, batch, model);
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
