package dev.recur.bench.kernel;

import dev.recur.kernel.Activations;
import dev.recur.kernel.Backends;
import dev.recur.random.Rng;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
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
 * Scalar versus vector activations, one thread. The "elements" counter is the throughput in
 * elements per nanosecond (JMH divides the counter by the measured time). Inputs are N(0, 3^2):
 * typical pre-activations, spread over both branches of tanh and both signs.
 *
 * <pre>java --add-modules jdk.incubator.vector -jar recur-bench/target/recur-bench.jar ActivationBench</pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Thread)
public class ActivationBench {
    @Param({"scalar", "vector"})
    public String backend;

    @Param({"4096", "65536"})
    public int n;

    private Activations act;
    private float[] x, y, dy, dx;

    /** Elements processed; reported per nanosecond. */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Elements {
        public long elements;

        @Setup(Level.Iteration)
        public void reset() {
            elements = 0;
        }
    }

    @Setup
    public void setup() {
        act = backend.equals("scalar") ? Backends.scalar().activations() : Backends.vector().activations();
        Rng rng = new Rng(42);
        x = new float[n];
        y = new float[n];
        dy = new float[n];
        dx = new float[n];
        rng.fillNormal(x, 0, n, 0f, 3f);
        rng.fillNormal(dy, 0, n, 0f, 1f);
    }

    @Benchmark
    public float[] exp(Elements c) {
        act.exp(x, 0, y, 0, n);
        c.elements += n;
        return y;
    }

    @Benchmark
    public float[] sigmoid(Elements c) {
        act.sigmoid(x, 0, y, 0, n);
        c.elements += n;
        return y;
    }

    @Benchmark
    public float[] tanh(Elements c) {
        act.tanh(x, 0, y, 0, n);
        c.elements += n;
        return y;
    }

    @Benchmark
    public float[] softplus(Elements c) {
        act.softplus(x, 0, y, 0, n);
        c.elements += n;
        return y;
    }

    @Benchmark
    public float[] logSigmoid(Elements c) {
        act.logSigmoid(x, 0, y, 0, n);
        c.elements += n;
        return y;
    }

    @Benchmark
    public float[] silu(Elements c) {
        act.silu(x, 0, y, 0, n);
        c.elements += n;
        return y;
    }

    @Benchmark
    public float[] gelu(Elements c) {
        act.gelu(x, 0, y, 0, n);
        c.elements += n;
        return y;
    }

    @Benchmark
    public float[] siluBackward(Elements c) {
        act.siluBackward(x, 0, dy, 0, dx, 0, n);
        c.elements += n;
        return dx;
    }

    @Benchmark
    public float[] geluBackward(Elements c) {
        act.geluBackward(x, 0, dy, 0, dx, 0, n);
        c.elements += n;
        return dx;
    }
}
