package dev.recur.pararnn;

import dev.recur.kernel.Parallel;

/**
 * Solves the linear recurrences of a Newton step and of its adjoint, for block-diagonal
 * Jacobians with blocks of size k (1 = diagonal, 2 or 3 = coupled components):
 * <pre>
 *   forward:  x_t = J_t x_{t-1} + r_t,            t = 0 .. T-1,   x_{-1} = x0 (or 0)
 *   adjoint:  l_t = J_{t+1}^T l_{t+1} + g_t,      t = T-1 .. 0,   l_T = 0
 * </pre>
 * Arrays are time-major slabs in the layout of {@link ScanKernel}: state {@code (T, k, M)},
 * Jacobian {@code (T, k, k, M)}, M = batch x units lanes.
 *
 * <p>Strategies. {@link Strategy#TIME_CHUNKS} is the parallel-in-time scan: the sequence is cut
 * into {@code P + 1} chunks for P threads; in a first pass chunk 0 is scanned exactly while each
 * middle chunk is scanned from a zero state and also multiplies up its transition product; the
 * carries are then combined across chunks (cheap: one k x k step per chunk); a second pass rescans
 * chunks 1..P from their true incoming state. Each pass keeps P threads busy with chunks of
 * {@code T / (P + 1)} steps, so the span is about {@code 2T / (P + 1)} steps: a speed-up only from
 * 2 threads up, and about {@code (P + 1) / 2} for many. Rescanning (rather than adding a
 * correction {@code J..J carry}) costs the same and makes every step the same arithmetic as the
 * sequential scan, so only the combined carries differ from it by rounding.
 * {@link Strategy#LANES} instead splits the lanes across threads, each scanning its lanes over
 * all of T: no extra work, so it is preferred when there are enough lanes to go round.
 */
public final class LinearScan {
    /** How the scan is spread over threads. */
    public enum Strategy { SEQUENTIAL, TIME_CHUNKS, LANES, AUTO }

    /** The shortest chunk worth a thread in the time-chunked scan. */
    static final int MIN_CHUNK_STEPS = 32;
    /** The fewest lanes per thread for which splitting the lanes beats chunking time. */
    static final int MIN_LANES_PER_THREAD = 512;

    private LinearScan() {}

    /** The strategy {@link Strategy#AUTO} resolves to for this problem and the current thread count. */
    public static Strategy choose(int k, int M, int T) {
        int threads = Parallel.threads();
        if (threads <= 1) return Strategy.SEQUENTIAL;
        if (M >= 2L * MIN_LANES_PER_THREAD) return Strategy.LANES;
        if (T >= (threads + 1) * MIN_CHUNK_STEPS) return Strategy.TIME_CHUNKS;
        return Strategy.SEQUENTIAL;
    }

    /** The forward scan; {@code x} may be {@code r} (in place). {@code x0} is (k, M) or null for zero. */
    public static void forward(int k, int M, int T, float[] J, float[] r, float[] x0, float[] x, Strategy strategy) {
        new Run(k, M, T, J, r, x, true, ScanKernel.active()).solve(x0, strategy);
    }

    /** The adjoint (transposed, reverse-time) scan; {@code l} may be {@code g} (in place). */
    public static void adjoint(int k, int M, int T, float[] J, float[] g, float[] l, Strategy strategy) {
        new Run(k, M, T, J, g, l, false, ScanKernel.active()).solve(null, strategy);
    }

    /** As {@link #forward}, with a given kernel (tests compare the twins). */
    static void forward(ScanKernel kernel, int k, int M, int T, float[] J, float[] r, float[] x0, float[] x, Strategy strategy) {
        new Run(k, M, T, J, r, x, true, kernel).solve(x0, strategy);
    }

    static void adjoint(ScanKernel kernel, int k, int M, int T, float[] J, float[] g, float[] l, Strategy strategy) {
        new Run(k, M, T, J, g, l, false, kernel).solve(null, strategy);
    }

    /** One scan. Position p counts steps in scan order; {@link #time} maps it to t. */
    private static final class Run {
        final int k, M, T, kM, kkM;
        final float[] J, r, x;
        final boolean fwd;
        final ScanKernel kernel;

        Run(int k, int M, int T, float[] J, float[] r, float[] x, boolean fwd, ScanKernel kernel) {
            if (k < 1 || k > 3) throw new IllegalArgumentException("block size must be 1, 2 or 3, got " + k);
            this.k = k;
            this.M = M;
            this.T = T;
            this.kM = k * M;
            this.kkM = k * k * M;
            this.J = J;
            this.r = r;
            this.x = x;
            this.fwd = fwd;
            this.kernel = kernel;
            long need = (long) T * kM;
            if (r.length < need || x.length < need || (T > 0 && J.length < (long) T * kkM)) {
                throw new IllegalArgumentException("scan buffers too small for T=" + T + ", k=" + k + ", M=" + M);
            }
        }

        int time(int p) {
            return fwd ? p : T - 1 - p;
        }

        /** Offset of the block applied to the state carried into step t. */
        int jOff(int t) {
            return (fwd ? t : t + 1) * kkM;
        }

        void solve(float[] x0, Strategy strategy) {
            if (T == 0) return;
            Strategy s = strategy == Strategy.AUTO ? choose(k, M, T) : strategy;
            int threads = Parallel.threads();
            switch (s) {
                case LANES -> Parallel.forRange(M, Math.max(1, Math.min(MIN_LANES_PER_THREAD, M / Math.max(1, threads))),
                        (m0, m1) -> exact(0, T, m0, m1, x0, 0));
                case TIME_CHUNKS -> timeChunks(x0, Math.min(threads, T / MIN_CHUNK_STEPS - 1));
                default -> exact(0, T, 0, M, x0, 0);
            }
        }

        /** The sequential scan of positions [p0, p1) over lanes [m0, m1), from state {@code in} (null: zero). */
        void exact(int p0, int p1, int m0, int m1, float[] in, int inOff) {
            float[] prev = in;
            int prevOff = inOff;
            for (int p = p0; p < p1; p++) {
                int t = time(p);
                kernel.affine(k, M, m0, m1, J, prev == null ? 0 : jOff(t), !fwd, prev, prevOff, r, t * kM, x, t * kM);
                prev = x;
                prevOff = t * kM;
            }
        }

        void timeChunks(float[] x0, int workers) {
            if (workers < 2) { // one worker would scan chunk 0, then chunk 1: sequential with extra steps
                exact(0, T, 0, M, x0, 0);
                return;
            }
            int chunks = workers + 1;
            float[][] local = new float[chunks][], product = new float[chunks][];
            // Pass 1: chunk 0 exactly; chunks 1 .. chunks-2 from zero, with their transition products.
            Parallel.forRange(workers, 1, (c0, c1) -> {
                for (int c = c0; c < c1; c++) {
                    int a = Parallel.bound(T, chunks, c), b = Parallel.bound(T, chunks, c + 1);
                    if (c == 0) {
                        exact(a, b, 0, M, x0, 0);
                    } else {
                        local[c] = new float[kM];
                        product[c] = identity();
                        localScan(a, b, local[c], product[c]);
                    }
                }
            });
            // Combine: carry[c] = the true state at the end of chunk c.
            float[][] carry = new float[chunks][];
            carry[0] = new float[kM];
            System.arraycopy(x, time(Parallel.bound(T, chunks, 1) - 1) * kM, carry[0], 0, kM);
            for (int c = 1; c < chunks - 1; c++) {
                carry[c] = new float[kM];
                kernel.affine(k, M, 0, M, product[c], 0, false, carry[c - 1], 0, local[c], 0, carry[c], 0);
            }
            // Pass 2: chunks 1 .. chunks-1 rescanned from their true incoming state.
            Parallel.forRange(workers, 1, (c0, c1) -> {
                for (int c = c0 + 1; c < c1 + 1; c++) {
                    exact(Parallel.bound(T, chunks, c), Parallel.bound(T, chunks, c + 1), 0, M, carry[c - 1], 0);
                }
            });
        }

        /** Scans positions [a, b) from a zero state into {@code s}, multiplying the transitions into {@code P}. */
        void localScan(int a, int b, float[] s, float[] P) {
            for (int p = a; p < b; p++) {
                int t = time(p);
                kernel.affine(k, M, 0, M, J, jOff(t), !fwd, p == a ? null : s, 0, r, t * kM, s, 0);
                kernel.compose(k, M, 0, M, J, jOff(t), !fwd, P, 0);
            }
        }

        float[] identity() {
            float[] P = new float[kkM];
            for (int i = 0; i < k; i++) java.util.Arrays.fill(P, (i * k + i) * M, (i * k + i + 1) * M, 1f);
            return P;
        }
    }
}
