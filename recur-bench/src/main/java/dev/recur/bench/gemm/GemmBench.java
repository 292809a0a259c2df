package dev.recur.bench.gemm;

import dev.recur.kernel.Backends;
import dev.recur.kernel.Gemm;
import dev.recur.kernel.Parallel;
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
 * {@code C = A · B} (row-major, beta = 0) on the vector backend: square shapes and recurrent steps
 * ({@code batch x hidden x 4·hidden}), with B unpacked or packed once ({@link Gemm#packB}, as a
 * recurrent weight is), on 1 and 2 threads. {@link GemmBenchRunner} turns the times into GFLOP/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
// Until C2 has compiled the kernels the Vector API runs its allocating Java fallback (a hundred
// times slower); that takes about a second on a quiet machine, several on a loaded one.
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-XX:+UseParallelGC", "-Xmx2g"})
public class GemmBench {
    /** {@code MxKxN}. */
    @Param({"256x256x256", "512x512x512", "1024x1024x1024", "2048x2048x2048", "32x256x1024", "1x256x1024"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    @Param({"false", "true"})
    public boolean packedB;

    private Gemm gemm;
    private GemmShape s;
    private float[] a, b, c;
    private Gemm.PackedMatrix packed;

    @Setup
    public void setup() {
        s = GemmShape.parse(shape);
        Parallel.setThreads(threads);
        gemm = Backends.vector().gemm();
        GemmShape.Operands ops = s.operands();
        a = ops.a();
        b = ops.b();
        c = ops.c();
        if (packedB) packed = gemm.packB(false, s.k(), s.n(), b, 0, s.n());
    }

    @Benchmark
    public float[] sgemm() {
        if (packed != null) {
            gemm.sgemm(false, s.m(), 1f, a, 0, s.k(), packed, 0f, c, 0, s.n());
        } else {
            gemm.sgemm(false, false, s.m(), s.n(), s.k(), 1f, a, 0, s.k(), b, 0, s.n(), 0f, c, 0, s.n());
        }
        return c;
    }
}
