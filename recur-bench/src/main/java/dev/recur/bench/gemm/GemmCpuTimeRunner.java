package dev.recur.bench.gemm;

import dev.recur.kernel.Backends;
import dev.recur.kernel.Gemm;
import dev.recur.kernel.Parallel;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;

/**
 * Single-thread GEMM speed per CPU-second of the calling thread, for machines shared with other
 * work: wall-clock time there includes the time the OS gave to others, thread CPU time does not
 * (cache and memory-bandwidth contention still show). Same shapes, operands and JSON lines as
 * {@link GemmBenchRunner}, with {@code "clock":"cpu"}; {@code numpy_sgemm.py --clock cpu} is the peer.
 * Not JMH: this is a companion to the JMH figures, not a replacement.
 *
 * <p>{@code GemmCpuTimeRunner [--shapes 1024x1024x1024,...] [--warmup-s 4] [--samples 9] [--sample-ms 200]}
 */
public final class GemmCpuTimeRunner {
    private GemmCpuTimeRunner() {}

    public static void main(String[] args) {
        String shapes = "256x256x256,512x512x512,1024x1024x1024,2048x2048x2048,32x256x1024,1x256x1024";
        double warmupS = 4;
        int samples = 9, sampleMs = 200;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--shapes" -> shapes = args[i + 1];
                case "--warmup-s" -> warmupS = Double.parseDouble(args[i + 1]);
                case "--samples" -> samples = Integer.parseInt(args[i + 1]);
                case "--sample-ms" -> sampleMs = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'");
            }
        }
        Parallel.setThreads(1);
        Gemm gemm = Backends.vector().gemm();
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        for (String spec : shapes.split(",")) {
            GemmShape s = GemmShape.parse(spec);
            GemmShape.Operands ops = s.operands();
            float[] a = ops.a(), b = ops.b(), c = ops.c();
            Gemm.PackedMatrix packed = gemm.packB(false, s.k(), s.n(), b, 0, s.n());
            for (boolean usePacked : new boolean[] {false, true}) {
                Runnable op = usePacked
                        ? () -> gemm.sgemm(false, s.m(), 1f, a, 0, s.k(), packed, 0f, c, 0, s.n())
                        : () -> gemm.sgemm(false, false, s.m(), s.n(), s.k(), 1f, a, 0, s.k(), b, 0, s.n(), 0f, c, 0, s.n());
                // Wall-clock warm-up: until C2 has compiled the kernels the Vector API's fallback runs.
                long end = System.nanoTime() + (long) (warmupS * 1e9);
                while (System.nanoTime() < end) op.run();
                double[] perCall = new double[samples];
                for (int r = 0; r < samples; r++) {
                    long t0 = cpu.getCurrentThreadCpuTime(), calls = 0;
                    long t;
                    do {
                        op.run();
                        calls++;
                        t = cpu.getCurrentThreadCpuTime();
                    } while (t - t0 < sampleMs * 1_000_000L);
                    perCall[r] = (t - t0) * 1e-9 / calls;
                }
                Arrays.sort(perCall);
                double seconds = perCall[samples / 2];
                System.out.println(String.format(Locale.ROOT,
                        "{\"impl\":\"recur\",\"clock\":\"cpu\",\"shape\":\"%s\",\"m\":%d,\"k\":%d,\"n\":%d,\"threads\":1,"
                                + "\"packed\":%s,\"seconds\":%.6e,\"gflops\":%.2f}",
                        s, s.m(), s.k(), s.n(), usePacked, seconds, s.flops() / seconds / 1e9));
            }
        }
    }
}
