package dev.recur.bench.modern;

import dev.recur.autodiff.Var;
import dev.recur.kernel.Parallel;
import dev.recur.layer.LayerConfig;
import dev.recur.layer.LayerRegistry;
import dev.recur.layer.SequenceLayer;
import dev.recur.linear.LinearAttention;
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
 * Forward + backward of GLA and DeltaNet at T = 2048, batch 4, width 256, 4 heads, in the
 * chunkwise form against the fused recurrent (step) form, on 2 threads by default.
 * {@code scope=core} times the recurrence alone ({@link LinearAttention}: GLA with dk = 32,
 * dv = 64 as the layer's expand_k = 0.5 gives; DeltaNet with dk = dv = 64), which is where the two
 * forms differ; {@code scope=layer} times the whole mixer (projections, convolutions, norms), whose
 * other parts cost the same in both forms.
 *
 * <p>Run: {@code java -jar recur-bench/target/recur-bench.jar LinearAttentionBench}
 * (options as JMH's, e.g. {@code -p scope=core -p threads=1}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-XX:+UseParallelGC", "-Xmx4g"})
public class LinearAttentionBench {
    static final int T = 2048, B = 4, WIDTH = 256, HEADS = 4;

    @Param({"gla", "deltanet"})
    public String mixer;

    @Param({"chunk", "recurrent"})
    public String form;

    @Param({"core", "layer"})
    public String scope;

    @Param({"2"})
    public int threads;

    /** The chunk length of the chunkwise form (the layers' default is 64). */
    @Param({"64"})
    public int chunk = 64;

    private SequenceLayer layer;
    private Tensor x, seed, q, k, v, gate;

    @Setup
    public void setup() {
        Parallel.setThreads(threads);
        Rng rng = new Rng(7);
        if (scope.equals("layer")) {
            layer = LayerRegistry.create(new LayerConfig(mixer, WIDTH, WIDTH,
                    Map.of("heads", "" + HEADS, "mode", form, "chunk", "" + chunk)), rng.split());
            x = normal(rng, 1f, T, B, WIDTH);
            seed = normal(rng, 1f, T, B, WIDTH);
            return;
        }
        boolean gla = mixer.equals("gla");
        int dk = gla ? 32 : 64, dv = 64;
        q = normal(rng, gla ? 0.18f : 0.125f, T, B, HEADS * dk);
        k = normal(rng, 1f, T, B, HEADS * dk);
        v = normal(rng, 1f, T, B, HEADS * dv);
        seed = normal(rng, 1f, T, B, HEADS * dv);
        if (gla) {
            // log decays as the layer makes them: log sigmoid(z) / 16
            gate = normal(rng, 1f, T, B, HEADS * dk);
            for (int i = 0; i < gate.numel(); i++) {
                double z = gate.data()[i] + 2;
                gate.data()[i] = (float) (-Math.log1p(Math.exp(-z)) / 16);
            }
        } else {
            float[] d = k.data(); // unit keys, as the layer's L2 normalisation gives
            for (int r = 0; r < d.length; r += dk) {
                double n = 0;
                for (int i = 0; i < dk; i++) n += d[r + i] * d[r + i];
                for (int i = 0; i < dk; i++) d[r + i] /= (float) Math.sqrt(n);
            }
            gate = Tensor.zeros(T, B, HEADS);
            rng.fillUniform(gate.data(), 0, gate.numel(), 0f, 1f);
        }
    }

    @Benchmark
    public Tensor forwardBackward() {
        if (layer != null) {
            Var in = Var.leaf(x);
            layer.forward(in).output().backward(seed);
            return in.grad();
        }
        boolean chunked = form.equals("chunk");
        Var qv = Var.leaf(q), kv = Var.leaf(k), vv = Var.leaf(v), gv = Var.leaf(gate);
        Var[] out = mixer.equals("gla")
                ? LinearAttention.gla(qv, kv, vv, gv, null, HEADS, null, chunked, chunk)
                : LinearAttention.deltaRule(qv, kv, vv, gv, null, null, HEADS, 1, null, chunked, chunk);
        out[0].backward(seed);
        return qv.grad();
    }

    private static Tensor normal(Rng rng, float std, int... shape) {
        Tensor t = Tensor.zeros(shape);
        rng.fillNormal(t.data(), 0, t.numel(), 0f, std);
        return t;
    }
}
