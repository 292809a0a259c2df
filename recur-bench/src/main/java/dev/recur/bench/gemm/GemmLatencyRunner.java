package dev.recur.bench.gemm;

import dev.recur.kernel.Backends;
import dev.recur.kernel.Gemm;
import dev.recur.kernel.Parallel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Per-call latency of Recur's SGEMM for each thread count, as a histogram (p10, p50, p90, p99 and
 * the mean): for the small products whose two-thread speed is a matter of hand-off, where a mean
 * alone hides whether a worker took its chunk or the caller waited for one the OS had put aside.
 * The thread counts alternate in rounds of {@code --round-ms} in one JVM, so that a neighbour's
 * load drifts over all of them alike; the load average is printed before and after.
 *
 * <p>{@code GemmLatencyRunner [--shapes 1x256x1024,32x256x1024] [--threads 1,2] [--rounds 10] [--round-ms 100]}
 */
public final class GemmLatencyRunner {
    private GemmLatencyRunner() {}

    public static void main(String[] args) throws Exception {
        String shapes = "1x256x1024,32x256x1024", threadList = "1,2";
        int rounds = 10, roundMs = 100;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--shapes" -> shapes = args[i + 1];
                case "--threads" -> threadList = args[i + 1];
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                case "--round-ms" -> roundMs = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'");
            }
        }
        int[] threads = Arrays.stream(threadList.split(",")).mapToInt(t -> Integer.parseInt(t.strip())).toArray();
        Gemm gemm = Backends.vector().gemm();
        System.out.println("load before: " + load());
        for (String spec : shapes.split(",")) {
            GemmShape s = GemmShape.parse(spec);
            GemmShape.Operands ops = s.operands();
            float[] a = ops.a(), b = ops.b(), c = ops.c();
            long[][] ns = new long[threads.length][1 << 20];
            int[] count = new int[threads.length];
            // three unrecorded rounds first: C2 compiles the kernels, the pool's workers start
            for (int r = -3; r < rounds; r++) {
                for (int v = 0; v < threads.length; v++) {
                    Parallel.setThreads(threads[v]);
                    long end = System.nanoTime() + roundMs * 1_000_000L, t = System.nanoTime();
                    while (t < end) {
                        gemm.sgemm(false, false, s.m(), s.n(), s.k(), 1f, a, 0, s.k(), b, 0, s.n(), 0f, c, 0, s.n());
                        long t2 = System.nanoTime();
                        if (r >= 0 && count[v] < ns[v].length) ns[v][count[v]++] = t2 - t;
                        t = t2;
                    }
                }
            }
            double flop = 2.0 * s.m() * s.n() * s.k();
            for (int v = 0; v < threads.length; v++) {
                long[] x = Arrays.copyOf(ns[v], count[v]);
                Arrays.sort(x);
                double mean = Arrays.stream(x).average().orElse(Double.NaN);
                System.out.printf(Locale.ROOT, "%s threads=%d calls=%d  p10 %.2f  p50 %.2f  p90 %.2f  p99 %.2f  mean %.2f us  (%.1f GFLOP/s at the mean, %.1f at p50)%n",
                        spec, threads[v], x.length, x[x.length / 10] / 1e3, x[x.length / 2] / 1e3, x[x.length * 9 / 10] / 1e3,
                        x[x.length * 99 / 100] / 1e3, mean / 1e3, flop / mean, flop / x[x.length / 2]);
            }
        }
        System.out.println("load after: " + load());
    }

    private static String load() throws Exception {
        String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return f[0] + " " + f[1] + " " + f[2];
    }
}
