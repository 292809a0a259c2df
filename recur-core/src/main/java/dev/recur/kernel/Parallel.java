package dev.recur.kernel;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;

/**
 * The compute pool, sized to the cores (or {@code -Drecur.threads=N}, or {@code RECUR_THREADS}).
 * Work is split into contiguous chunks whose boundaries depend only on the problem size and the
 * thread count, so that results are the same bits for the same seed and thread count.
 */
public final class Parallel {
    private static volatile int threads = initialThreads();
    private static volatile ForkJoinPool pool = newPool(threads);

    private Parallel() {}

    /** A body over the half-open range {@code [start, end)}. */
    @FunctionalInterface
    public interface RangeTask {
        void run(int start, int end);
    }

    public static int threads() {
        return threads;
    }

    /** Sets the number of compute threads (at least 1); replaces the pool. */
    public static synchronized void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("thread count must be >= 1, got " + n);
        if (n == threads) return;
        ForkJoinPool old = pool;
        pool = newPool(n);
        threads = n;
        old.shutdown();
    }

    /**
     * Runs {@code task} over {@code [0, n)} split into at most {@link #threads()} chunks of at least
     * {@code minChunk} items; the calling thread runs the first chunk. Nested calls run inline.
     */
    public static void forRange(int n, int minChunk, RangeTask task) {
        int parts = chunks(n, minChunk);
        if (parts <= 1 || Thread.currentThread() instanceof ForkJoinWorkerThread) {
            if (n > 0) task.run(0, n);
            return;
        }
        ForkJoinPool p = pool;
        @SuppressWarnings("unchecked")
        ForkJoinTask<Void>[] forked = new ForkJoinTask[parts - 1];
        for (int i = 1; i < parts; i++) {
            int s = bound(n, parts, i), e = bound(n, parts, i + 1);
            forked[i - 1] = p.submit(() -> task.run(s, e), null);
        }
        task.run(0, bound(n, parts, 1));
        for (ForkJoinTask<Void> f : forked) f.join();
    }

    /** How many chunks {@link #forRange} uses for {@code n} items. */
    public static int chunks(int n, int minChunk) {
        if (n <= 0) return 0;
        int byGrain = Math.max(1, n / Math.max(1, minChunk));
        return Math.min(threads, byGrain);
    }

    /** Start of chunk {@code i} of {@code parts} over {@code [0, n)}. */
    public static int bound(int n, int parts, int i) {
        return (int) ((long) n * i / parts);
    }

    private static int initialThreads() {
        String s = System.getProperty("recur.threads");
        if (s == null || s.isBlank()) s = System.getenv("RECUR_THREADS");
        if (s != null && !s.isBlank()) {
            try {
                int n = Integer.parseInt(s.trim());
                if (n >= 1) return n;
            } catch (NumberFormatException ignored) {
                // fall through to the core count
            }
            System.err.println("recur: warning: ignoring thread count '" + s + "' (expected an integer >= 1)");
        }
        return Runtime.getRuntime().availableProcessors();
    }

    private static ForkJoinPool newPool(int n) {
        // n - 1 workers: the caller always runs one chunk itself.
        return new ForkJoinPool(Math.max(1, n - 1), pool -> {
            ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
            t.setDaemon(true);
            t.setName("recur-compute-" + t.getPoolIndex());
            return t;
        }, null, false);
    }
}
