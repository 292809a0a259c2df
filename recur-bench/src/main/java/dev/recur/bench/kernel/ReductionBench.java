package dev.recur.bench.kernel;

import dev.recur.kernel.Backend;
import dev.recur.kernel.Backends;
import dev.recur.random.Rng;
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
 * Scalar versus vector reductions, row softmax and norms, one thread, over n elements (row kernels
 * use rows of {@link #COLS}). The "elements" counter is the throughput in elements per nanosecond.
 *
 * <pre>java --add-modules jdk.incubator.vector -jar recur-bench/target/recur-bench.jar ReductionBench</pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Thread)
public class ReductionBench {
    private static final int COLS = 1024;

    @Param({"scalar", "vector"})
    public String backend;

    @Param({"4096", "65536"})
    public int n;

    private Backend b;
    private float[] x, y, w, mean, rstd, gamma, beta, dx, dgamma, dbeta;

    @Setup
    public void setup() {
        b = backend.equals("scalar") ? Backends.scalar() : Backends.vector();
        Rng rng = new Rng(7);
        x = new float[n];
        y = new float[n];
        w = new float[n];
        dx = new float[n];
        rng.fillNormal(x, 0, n, 0f, 2f);
        rng.fillNormal(w, 0, n, 0f, 1f);
        int rows = n / COLS;
        mean = new float[rows];
        rstd = new float[rows];
        gamma = new float[COLS];
        beta = new float[COLS];
        dgamma = new float[COLS];
        dbeta = new float[COLS];
        rng.fillNormal(gamma, 0, COLS, 1f, 0.1f);
        rng.fillNormal(beta, 0, COLS, 0f, 0.1f);
    }

    @Benchmark
    public float sum(ActivationBench.Elements c) {
        c.elements += n;
        return b.reductions().sum(x, 0, n);
    }

    @Benchmark
    public float dot(ActivationBench.Elements c) {
        c.elements += n;
        return b.reductions().dot(x, 0, w, 0, n);
    }

    @Benchmark
    public float max(ActivationBench.Elements c) {
        c.elements += n;
        return b.reductions().max(x, 0, n);
    }

    @Benchmark
    public float[] softmaxRows(ActivationBench.Elements c) {
        b.reductions().softmaxRows(x, 0, y, 0, n / COLS, COLS);
        c.elements += n;
        return y;
    }

    @Benchmark
    public float[] logSoftmaxRows(ActivationBench.Elements c) {
        b.reductions().logSoftmaxRows(x, 0, y, 0, n / COLS, COLS);
        c.elements += n;
        return y;
    }

    @Benchmark
    public float[] layerNorm(ActivationBench.Elements c) {
        b.norms().layerNorm(x, 0, gamma, beta, y, 0, mean, rstd, n / COLS, COLS, 1e-5f);
        c.elements += n;
        return y;
    }

    @Benchmark
    public float[] layerNormBackward(ActivationBench.Elements c) {
        b.norms().layerNormBackward(x, 0, gamma, w, 0, mean, rstd, dx, 0, dgamma, dbeta, n / COLS, COLS);
        c.elements += n;
        return dx;
    }

    @Benchmark
    public float[] rmsNorm(ActivationBench.Elements c) {
        b.norms().rmsNorm(x, 0, gamma, y, 0, rstd, n / COLS, COLS, 1e-6f);
        c.elements += n;
        return y;
    }
}
