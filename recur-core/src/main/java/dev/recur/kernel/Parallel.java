package dev.recur.kernel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The compute pool, sized to the cores (or {@code -Drecur.threads=N}, or {@code RECUR_THREADS}).
 * Work is split into contiguous chunks whose boundaries depend only on the problem size and the
 * thread count, so that results are the same bits for the same seed and thread count.
 *
 * <p>The pool is built for many short calls (one recurrent step is a few microseconds of work):
 * the caller runs chunk 0 itself and then claims any chunk no worker has started, so a call never
 * waits for a worker that the OS has not scheduled (a busy machine); an idle worker spins for
 * {@link #SPIN_NANOS} before parking, so that a call that follows soon is picked up in well under
 * a microsecond instead of paying a wake-up. Who runs a chunk never changes its bounds, so the
 * results stay the same bits.
 */
public final class Parallel {
    /** How long an idle worker polls for the next call before it parks. */
    static final long SPIN_NANOS = 50_000;
    /** Calls in a row that {@link #workersKeepingUp} says yes to when it probes a pool that fell behind. */
    static final int PROBE_CALLS = 8;
    /**
     * Of the last 8 calls that offered workers chunks, how many must have kept up for the hint to
     * say yes. A split batch-1 GEMM pays off from about two successes in three (Zen 3, 1×256×1024:
     * 16 µs split, 19 whole, 25 when the caller ends up running both halves), so 6, not 7: with 7,
     * a quiet machine's one late worker in ten kept the hint off most of the time.
     */
    static final int KEEP_UP_MIN = 6;

    private static volatile Pool pool = new Pool(initialThreads());

    private Parallel() {}

    /** A body over the half-open range {@code [start, end)}. */
    @FunctionalInterface
    public interface RangeTask {
        void run(int start, int end);
    }

    public static int threads() {
        return pool.threads;
    }

    /** Sets the number of compute threads (at least 1); replaces the pool. */
    public static synchronized void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("thread count must be >= 1, got " + n);
        Pool old = pool;
        if (n == old.threads) return;
        pool = new Pool(n);
        old.shutdown();
    }

    /**
     * Runs {@code task} over {@code [0, n)} split into at most {@link #threads()} chunks of at least
     * {@code minChunk} items; the calling thread runs the first chunk. A call made from inside a
     * chunk, or while another thread's call holds the pool, runs its chunks one after another on
     * the calling thread: the same chunks, so the same bits.
     */
    public static void forRange(int n, int minChunk, RangeTask task) {
        Pool p = pool;
        int parts = p.chunks(n, minChunk);
        if (parts <= 1) {
            if (n > 0) task.run(0, n);
            return;
        }
        if (!p.tryRun(n, parts, task)) {
            for (int i = 0; i < parts; i++) task.run(bound(n, parts, i), bound(n, parts, i + 1));
        }
    }

    /**
     * Runs {@code task.run(i, i + 1)} for every chunk {@code i} in {@code [0, count)}, where
     * {@code count} may exceed {@link #threads()}: the caller and the workers claim chunks one at a
     * time until none is left, so a thread that the OS has not scheduled (a busy machine) or that
     * started late takes fewer chunks instead of holding up the call. A chunk's work must not
     * depend on who runs it or on the others (then the bits do not either). As with
     * {@link #forRange}, a nested or concurrent call runs every chunk on the calling thread.
     */
    public static void forEachChunk(int count, RangeTask task) {
        Pool p = pool;
        if (count <= 1 || p.threads == 1) {
            for (int i = 0; i < count; i++) task.run(i, i + 1);
            return;
        }
        if (!p.tryRun(count, count, task)) {
            for (int i = 0; i < count; i++) task.run(i, i + 1);
        }
    }

    /**
     * Whether a short call (tens of microseconds) should be split over the pool now: true when
     * there is more than one thread, the pool is free (not called from a chunk, nor while another
     * thread's call holds it), and the workers kept up in 6 of the last 8 calls of at least 2 µs
     * that offered them chunks (each worker took one, and the caller then waited for them at most
     * half as long as its own chunks took, plus 1 µs: a split's halves each cost more than half the
     * whole, so a longer wait loses to running whole); otherwise, every 64th time it is asked,
     * for {@link #PROBE_CALLS} calls in a row, so that a worker that is back on a core is noticed (a
     * single probe would always fail: after 63 calls on the caller alone the workers have parked,
     * and waking one takes longer than the short call it was asked for). A worker the OS has put
     * aside leaves its chunk to the caller, who then runs every chunk, and a split product can be
     * slower than one run whole (a batch-1 GEMM cut into column halves streams rows in halves:
     * 21 µs against 15 µs for 1×256×1024 on Zen 3).
     * Only for work whose results do not depend on the split; the answer depends on timing.
     */
    public static boolean workersKeepingUp() {
        return pool.keepingUp();
    }

    /** Records one call's outcome for {@link #workersKeepingUp}, as the pool does after each call. */
    static void noteForTest(boolean keptUp) {
        pool.note(keptUp);
    }

    /** How many chunks {@link #forRange} uses for {@code n} items. */
    public static int chunks(int n, int minChunk) {
        return pool.chunks(n, minChunk);
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

    /** One call's chunks; immutable apart from its counters, so workers read it race-free. */
    private static final class Job {
        final RangeTask task;
        final int n, parts;
        /** The next chunk nobody has claimed (chunk 0 is the caller's). */
        final AtomicInteger next = new AtomicInteger(1);
        /** Chunks other than 0 that have not finished. */
        final AtomicInteger pending;
        volatile Throwable failure;
        volatile Thread waiter;

        Job(RangeTask task, int n, int parts) {
            this.task = task;
            this.n = n;
            this.parts = parts;
            this.pending = new AtomicInteger(Math.max(0, parts - 1));
        }

        void runChunk(int i) {
            task.run(bound(n, parts, i), bound(n, parts, i + 1));
        }

        /** Chunks run by workers, for {@link Pool#keepingUp}. */
        final AtomicInteger byWorkers = new AtomicInteger();

        /** Claims and runs chunks until none is left; a failure is recorded for the caller. */
        void help() {
            if (next.get() >= parts) return; // nothing left (or the idle job): no counter traffic
            boolean worker = Thread.currentThread() instanceof Worker;
            for (int i; (i = next.getAndIncrement()) < parts; ) {
                if (worker) byWorkers.incrementAndGet(); // before the chunk's pending count drops, so the caller sees it
                try {
                    runChunk(i);
                } catch (Throwable t) {
                    if (failure == null) failure = t;
                }
                if (pending.decrementAndGet() == 0) {
                    Thread w = waiter;
                    if (w != null) LockSupport.unpark(w);
                }
            }
        }
    }

    /** {@code threads - 1} workers; the caller is the remaining thread. One call at a time. */
    private static final class Pool {
        /** Published after each call so that the pool does not keep the last task's data reachable. */
        private static final Job IDLE = new Job((s, e) -> { }, 0, 0);

        final int threads;
        private final Worker[] workers;
        private final AtomicInteger busy = new AtomicInteger();
        private volatile Job job = IDLE;
        private volatile boolean stopped;
        /** One bit per recent call that offered workers chunks: 1 where they ran all of them (newest lowest). */
        private int kept = 0xFF;
        private int asked, probing;

        Pool(int threads) {
            this.threads = threads;
            this.workers = new Worker[threads - 1];
            for (int w = 0; w < workers.length; w++) {
                workers[w] = new Worker(this, w);
                workers[w].start();
            }
        }

        /** Racy reads and writes of plain ints: the answer is a hint, never a result. */
        boolean keepingUp() {
            // from a chunk, or while another caller holds the pool, a split would run serially on this thread
            if (threads == 1 || Thread.currentThread() instanceof Worker || busy.get() != 0) return false;
            if (Integer.bitCount(kept & 0xFF) >= KEEP_UP_MIN) return true;
            if (probing > 0) {
                probing--;
                return true;
            }
            if ((++asked & 63) != 0) return false;
            probing = PROBE_CALLS - 1;
            return true;
        }

        /** Records whether the workers kept up in one call (tests call it to script a history). */
        void note(boolean keptUp) {
            kept = kept << 1 | (keptUp ? 1 : 0);
        }

        int chunks(int n, int minChunk) {
            if (n <= 0) return 0;
            int byGrain = Math.max(1, n / Math.max(1, minChunk));
            return Math.min(threads, byGrain);
        }

        /** Runs the call on the pool; false (nothing run) when called from a worker or the pool is in use. */
        boolean tryRun(int n, int parts, RangeTask task) {
            if (Thread.currentThread() instanceof Worker || !busy.compareAndSet(0, 1)) return false;
            try {
                Job j = new Job(task, n, parts);
                job = j;
                for (int w = 0; w < Math.min(parts - 1, workers.length); w++) workers[w].wake();
                Throwable own = null;
                long t0 = System.nanoTime();
                try {
                    j.runChunk(0);
                } catch (Throwable t) {
                    own = t;
                }
                j.help();
                long t1 = System.nanoTime();
                await(j);
                long waited = System.nanoTime() - t1;
                job = IDLE;
                // kept up: each worker took a chunk, and the caller's wait did not outweigh what the split saved;
                // calls shorter than the hand-off (an element-wise pass, whose chunks the caller may well take
                // all before a spinning worker looks) say nothing about the workers and are left out
                if (t1 - t0 >= 2_000) {
                    boolean took = j.byWorkers.get() >= Math.min(parts - 1, workers.length);
                    note(took && waited <= (t1 - t0) / 2 + 1_000);
                }
                Throwable failure = own != null ? own : j.failure;
                if (own != null && j.failure != null) own.addSuppressed(j.failure);
                if (failure instanceof RuntimeException e) throw e;
                if (failure instanceof Error e) throw e;
                if (failure != null) throw new IllegalStateException("compute task failed", failure);
                return true;
            } finally {
                busy.set(0);
            }
        }

        private static void await(Job j) {
            long deadline = 0;
            while (j.pending.get() != 0) {
                if (deadline == 0) deadline = System.nanoTime() + SPIN_NANOS;
                if (System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                } else {
                    j.waiter = Thread.currentThread();
                    if (j.pending.get() != 0) LockSupport.park(j);
                }
            }
        }

        void shutdown() {
            stopped = true;
            for (Worker w : workers) LockSupport.unpark(w);
        }
    }

    private static final class Worker extends Thread {
        private final Pool pool;
        private volatile boolean parked;

        Worker(Pool pool, int index) {
            super("recur-compute-" + (index + 1));
            this.pool = pool;
            setDaemon(true);
        }

        void wake() {
            if (parked) LockSupport.unpark(this);
        }

        @Override
        public void run() {
            Job last = null;
            while (true) {
                Job j = next(last);
                if (j == null) return;
                last = j;
                j.help();
            }
        }

        /** Polls for a job other than {@code last}, then parks; null once the pool is shut down. */
        private Job next(Job last) {
            long deadline = System.nanoTime() + SPIN_NANOS;
            while (true) {
                Job j = pool.job;
                if (pool.stopped) return null;
                if (j != last) return j;
                if (System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                    continue;
                }
                parked = true;
                if (pool.job == last && !pool.stopped) LockSupport.park(this);
                parked = false;
                Thread.interrupted(); // an interrupt must not turn parking into spinning
            }
        }
    }
}
