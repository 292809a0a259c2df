package dev.recur.bench.gemm;

import dev.recur.kernel.Backends;
import dev.recur.kernel.Gemm;
import dev.recur.kernel.Parallel;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Recur's SGEMM and OpenBLAS's ({@link OpenBlas}, through the foreign-function API) alternating in
 * one JVM, a slot of each per round, the order flipping every round, and the ratio taken per round.
 * On a shared host the speed moves by up to 1.6x over seconds to tens of seconds (one fork of
 * Recur: 40 then 62 GFLOP/s at 32×256×1024), and not always for both libraries alike (BENCHMARKS.md,
 * "Recur and OpenBLAS in one JVM"); processes one after the other, as {@code gemm-vs-openblas.sh}
 * runs them, compare different phases, while two slots a fraction of a second apart see the same
 * one. Wall-clock time, C = A·B with beta = 0, the operands of {@link GemmShape#operands};
 * OpenBLAS gets 64-byte-aligned off-heap copies, Recur its heap arrays.
 * A one-row product goes to OpenBLAS's sgemv, as NumPy's matmul sends it ({@link OpenBlas#sgemv}).
 *
 * <p>With two threads, OpenBLAS's idle workers poll for about 2^28 cycles (~0.1 s) after a call,
 * which would take a core from Recur's next slot: every slot is preceded by a pause
 * ({@code --gap-ms}, default 250 with more than one thread) so that each side starts with the
 * other's threads asleep. Recur's own workers poll for 50 µs.
 *
 * <p>{@code GemmInterleavedRunner [--shapes 32x256x1024,...] [--threads 1,2] [--rounds 31]
 * [--slot-ms 150] [--warmup-s 3] [--gap-ms N] [--lib PATH]}; prints one JSON line per shape and
 * thread count: both sides' median GFLOP/s, the per-round ratio Recur / OpenBLAS (median,
 * quartiles, rounds won) and both sides' GFLOP/s round by round.
 */
public final class GemmInterleavedRunner {
    private GemmInterleavedRunner() {}

    public static void main(String[] args) {
        try {
            run(args);
        } catch (IllegalArgumentException e) { // bad numbers, shapes or library path: one line, no trace
            usage(e.getMessage());
        }
    }

    private static void run(String[] args) {
        String shapes = "32x256x1024,1x256x1024,1024x1024x1024", threadList = "1,2";
        int rounds = 31, slotMs = 150, gapMs = -1;
        int warmupS = 3;
        Path lib = OpenBlas.DEFAULT_LIBRARY;
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) usage("option '" + args[i] + "' needs a value");
            String v = args[i + 1];
            switch (args[i]) {
                case "--shapes" -> shapes = v;
                case "--threads" -> threadList = v;
                case "--rounds" -> rounds = intArg("--rounds", v);
                case "--slot-ms" -> slotMs = intArg("--slot-ms", v);
                case "--gap-ms" -> gapMs = intArg("--gap-ms", v);
                case "--warmup-s" -> warmupS = intArg("--warmup-s", v);
                case "--lib" -> lib = Path.of(v);
                default -> usage("unknown option '" + args[i] + "'");
            }
        }
        if (rounds < 4) throw new IllegalArgumentException("--rounds must be at least 4, found " + rounds);
        String[] threadArgs = threadList.split(",");
        int[] threadCounts = new int[threadArgs.length];
        for (int i = 0; i < threadArgs.length; i++) threadCounts[i] = intArg("--threads", threadArgs[i].trim());
        for (String spec : shapes.split(",")) GemmShape.parse(spec); // every argument is checked before the first run
        Gemm gemm = Backends.vector().gemm();
        try (OpenBlas blas = new OpenBlas(lib)) {
            String config = blas.config();
            for (String spec : shapes.split(",")) {
                GemmShape s = GemmShape.parse(spec);
                GemmShape.Operands ops = s.operands();
                float[] a = ops.a(), b = ops.b(), c = ops.c();
                MemorySegment na = blas.copy(a), nb = blas.copy(b), nc = blas.copy(c);
                Runnable recur = () -> gemm.sgemm(false, false, s.m(), s.n(), s.k(), 1f, a, 0, s.k(), b, 0, s.n(), 0f, c, 0, s.n());
                Runnable openblas = s.m() == 1 ? () -> blas.sgemv(s.n(), s.k(), na, nb, nc) : () -> blas.sgemm(s.m(), s.n(), s.k(), na, nb, nc);
                for (int threads : threadCounts) {
                    Parallel.setThreads(threads);
                    blas.setThreads(threads);
                    int gap = gapMs >= 0 ? gapMs : threads > 1 ? 250 : 0;
                    long warmEnd = System.nanoTime() + (long) (warmupS * 1e9);
                    while (System.nanoTime() < warmEnd) {
                        perCall(recur, slotMs / 3);
                        perCall(openblas, slotMs / 3);
                    }
                    double[] mine = new double[rounds], theirs = new double[rounds], ratio = new double[rounds];
                    int won = 0;
                    for (int r = 0; r < rounds; r++) {
                        boolean recurFirst = r % 2 == 0;
                        pause(gap);
                        double first = perCall(recurFirst ? recur : openblas, slotMs);
                        pause(gap);
                        double second = perCall(recurFirst ? openblas : recur, slotMs);
                        mine[r] = recurFirst ? first : second;
                        theirs[r] = recurFirst ? second : first;
                        ratio[r] = theirs[r] / mine[r];
                        if (ratio[r] >= 1) won++;
                    }
                    String perRound = "\"recur_rounds\":" + gflops(s, mine) + ",\"openblas_rounds\":" + gflops(s, theirs);
                    Arrays.sort(mine);
                    Arrays.sort(theirs);
                    Arrays.sort(ratio);
                    System.out.println(String.format(Locale.ROOT,
                            "{\"impl\":\"recur-vs-openblas-interleaved\",\"shape\":\"%s\",\"m\":%d,\"k\":%d,\"n\":%d,\"threads\":%d,"
                                    + "\"rounds\":%d,\"slot_ms\":%d,\"gap_ms\":%d,\"recur_gflops\":%.2f,\"openblas_gflops\":%.2f,"
                                    + "\"ratio_median\":%.3f,\"ratio_p25\":%.3f,\"ratio_p75\":%.3f,\"rounds_won\":%d,%s,\"blas\":\"%s\"}",
                            s, s.m(), s.k(), s.n(), threads, rounds, slotMs, gap,
                            s.flops() / mine[rounds / 2] / 1e9, s.flops() / theirs[rounds / 2] / 1e9,
                            ratio[rounds / 2], ratio[rounds / 4], ratio[(3 * rounds) / 4], won, perRound, config.trim()));
                }
            }
        }
    }

    /** Per-round GFLOP/s, in round order, as a JSON array. */
    private static String gflops(GemmShape s, double[] secondsPerCall) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < secondsPerCall.length; i++) {
            b.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.1f", s.flops() / secondsPerCall[i] / 1e9));
        }
        return b.append(']').toString();
    }

    /** Seconds per call of {@code op}, over calls for at least {@code ms} milliseconds. */
    private static double perCall(Runnable op, int ms) {
        long t0 = System.nanoTime(), t, calls = 0;
        do {
            op.run();
            calls++;
            t = System.nanoTime();
        } while (t - t0 < ms * 1_000_000L);
        return (t - t0) * 1e-9 / calls;
    }

    private static void pause(int ms) {
        if (ms <= 0) return;
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int intArg(String option, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be an integer, found '" + value + "'");
        }
    }

    private static void usage(String why) {
        System.err.println("GemmInterleavedRunner: " + why);
        System.exit(2);
    }
}
