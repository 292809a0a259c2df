package dev.recur.bench.modern;

import dev.recur.autodiff.Backprop;
import dev.recur.autodiff.GradMode;
import dev.recur.autodiff.Var;
import dev.recur.random.Rng;
import dev.recur.ssm.DiagonalSsm;
import dev.recur.ssm.Discretization;
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
 * S4D's diagonal SSM ({@link DiagonalSsm}) over a long sequence in its two forms: the recurrence
 * (B*H*M*T) against the FFT convolution with the materialised kernel (H*M*T + B*H*T log T), both
 * producing the output and the final state. S4D-Lin initialisation, ZOH, on the active backend
 * and all cores ({@code -Drecur.threads}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-XX:+UseParallelGC", "-Xmx6g"})
public class S4dFormsBench {
    @Param({"16384"})
    public int steps;

    @Param({"4"})
    public int batch;

    @Param({"256"})
    public int channels;

    /** N: the real state size, N/2 complex modes (S4D's default is 64). */
    @Param({"64"})
    public int state;

    @Param({"RECURRENT", "CONVOLUTION"})
    public DiagonalSsm.Form form;

    private Tensor u, seed;
    private Tensor[] params;

    @Setup
    public void setup() {
        Rng rng = new Rng(7);
        int T = steps, B = batch, H = channels, M = state / 2;
        u = Tensor.zeros(T, B, H);
        rng.fillNormal(u.data(), 0, u.numel(), 0f, 1f);
        seed = Tensor.zeros(T, B, H);
        rng.fillNormal(seed.data(), 0, seed.numel(), 0f, 1f);
        Tensor logDt = Tensor.zeros(H), lar = Tensor.zeros(H, M), aim = Tensor.zeros(H, M), bRe = Tensor.zeros(H, M);
        for (int h = 0; h < H; h++) logDt.data()[h] = (float) (Math.log(1e-3) + rng.nextDouble() * Math.log(100));
        for (int i = 0; i < H * M; i++) {
            lar.data()[i] = (float) Math.log(0.5);
            aim.data()[i] = (float) (Math.PI * (i % M));
            bRe.data()[i] = 1f;
        }
        Tensor cRe = Tensor.zeros(H, M), cIm = Tensor.zeros(H, M), d = Tensor.zeros(H);
        rng.fillNormal(cRe.data(), 0, H * M, 0f, 0.7f);
        rng.fillNormal(cIm.data(), 0, H * M, 0f, 0.7f);
        rng.fillNormal(d.data(), 0, H, 0f, 1f);
        params = new Tensor[] {logDt, lar, aim, bRe, Tensor.zeros(H, M), cRe, cIm, d};
    }

    private DiagonalSsm.Params params(boolean leaves) {
        Var[] v = new Var[params.length];
        for (int i = 0; i < v.length; i++) v[i] = leaves ? Var.leaf(params[i]) : Var.constant(params[i]);
        return new DiagonalSsm.Params(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]);
    }

    @Benchmark
    public Tensor forward() {
        try (var off = GradMode.off()) {
            return DiagonalSsm.apply(params(false), Discretization.ZOH, form, Var.constant(u), null, null, null).y().value();
        }
    }

    /**
     * The recurrence driven one step at a time, as a streaming session runs it (each call a
     * length-1 sequence with the state carried over): per-call costs included. Independent of
     * {@code form}, so read it from the RECURRENT row.
     */
    @Benchmark
    public Tensor stepByStep() {
        try (var off = GradMode.off()) {
            DiagonalSsm.Params p = params(false);
            DiagonalSsm.Cache cache = new DiagonalSsm.Cache();
            Var xr = null, xi = null;
            Tensor last = null;
            for (int t = 0; t < steps; t++) {
                DiagonalSsm.Output o = DiagonalSsm.apply(p, Discretization.ZOH, DiagonalSsm.Form.RECURRENT,
                        Var.constant(u.narrow(0, t, 1)), null, xr, xi, cache);
                xr = o.stateRe();
                xi = o.stateIm();
                last = o.y().value();
            }
            return last;
        }
    }

    @Benchmark
    public Tensor forwardBackward() {
        Var x = Var.leaf(u);
        DiagonalSsm.Output o = DiagonalSsm.apply(params(true), Discretization.ZOH, form, x, null, null, null);
        Backprop.run(new Var[] {o.y()}, new Tensor[] {seed});
        return x.grad();
    }
}
