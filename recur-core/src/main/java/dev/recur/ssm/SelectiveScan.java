package dev.recur.ssm;

import dev.recur.autodiff.Node;
import dev.recur.autodiff.Var;
import dev.recur.kernel.Activations;
import dev.recur.kernel.Backends;
import dev.recur.kernel.Parallel;
import dev.recur.layer.Lengths;
import dev.recur.ops.Arith;
import dev.recur.tensor.ShapeException;
import dev.recur.tensor.Shapes;
import dev.recur.tensor.Tensor;

/**
 * Mamba's selective scan (Gu and Dao, "Mamba: Linear-Time Sequence Modeling with Selective State
 * Spaces", 2023, Algorithm 2), fused into one autodiff node: with
 * {@code delta = softplus(deltaPre)} and {@code A = -exp(aLog)}, for channel e and state n,
 * <pre>
 *   h_t[e,n] = exp(delta_t[e] A[e,n]) h_{t-1}[e,n] + delta_t[e] B_t[n] x_t[e]
 *   y_t[e]   = (sum_n C_t[n] h_t[e,n] + D[e] x_t[e]) * silu(z_t[e])
 * </pre>
 * (the gate is optional). B and C are shared by all channels of a sequence and step, as in
 * Mamba-1.
 *
 * <p>Work is split into tasks of one sequence and a tile of up to {@value #TILE} channels (the
 * parallel form: channels are independent, time is sequential, which on a CPU beats an
 * associative scan's doubled work). A tile's state is N rows of w floats, so every update is a
 * vectorisable loop over channels; the decays {@code exp(delta A)} go through the backend's exp.
 * The state is kept every {@value #CHUNK} steps so that the backward pass recomputes one chunk
 * at a time (memory T/CHUNK states, not T).
 */
public final class SelectiveScan {
    static final int TILE = 64;
    static final int CHUNK = 64;
    /** Whether the adjoint's per-mode loop runs on {@link AdjointLanes} (the vector backend is active). */
    private static final boolean VECTOR = "vector".equals(Backends.active().name());

    private SelectiveScan() {}

    /** The gated output (T, B, E) and the final state (B, E, N). */
    public record Output(Var y, Var state) {}

    /**
     * @param x        (T, B, E)
     * @param deltaPre (T, B, E), before the softplus (dt_proj's output with its bias)
     * @param bm, cm   (T, B, N)
     * @param z        (T, B, E) gate, or null for none
     * @param aLog     (E, N); A = -exp(aLog)
     * @param d        (E)
     * @param h0       (B, E, N) or null for zeros
     */
    public static Output apply(Var x, Var deltaPre, Var bm, Var cm, Var z, Var aLog, Var d, Var h0, Lengths lengths) {
        return apply(x, deltaPre, bm, cm, z, aLog, d, h0, lengths, null);
    }

    /**
     * Remembers {@code A = -exp(aLog)} and D as per-tile rows while their values stay the same,
     * so that a streaming step does not recompute E*N exponentials. Thread-safe (an immutable
     * entry swapped atomically); values are compared, so a parameter update is seen at once.
     */
    public static final class Cache {
        private record Entry(float[] aLog, float[] d, Params params) {}

        private volatile Entry entry;

        Params get(float[] aLog, float[] d, int E, int N) {
            Entry e = entry;
            if (e != null && java.util.Arrays.equals(e.aLog(), aLog) && java.util.Arrays.equals(e.d(), d)) return e.params();
            Params p = new Params(aLog, d, E, N);
            entry = new Entry(aLog.clone(), d.clone(), p);
            return p;
        }
    }

    /** A = -exp(aLog) (E, N), and per tile its rows (N, w) and D's entries (w). */
    private static final class Params {
        final float[] a;
        final float[][][] aRows;
        final float[][] dRows;

        Params(float[] aLog, float[] d, int E, int N) {
            a = new float[E * N];
            act().exp(aLog, 0, a, 0, a.length);
            for (int i = 0; i < a.length; i++) a[i] = -a[i];
            int tiles = (E + TILE - 1) / TILE;
            aRows = new float[tiles][][];
            dRows = new float[tiles][];
            for (int t = 0; t < tiles; t++) {
                int e0 = t * TILE, w = Math.min(TILE, E - e0);
                aRows[t] = new float[N][w];
                dRows[t] = new float[w];
                for (int j = 0; j < w; j++) {
                    dRows[t][j] = d[e0 + j];
                    for (int n = 0; n < N; n++) aRows[t][n][j] = a[(e0 + j) * N + n];
                }
            }
        }
    }

    /** As {@link #apply(Var, Var, Var, Var, Var, Var, Var, Var, Lengths)}, reusing {@code cache} (null for none). */
    public static Output apply(Var x, Var deltaPre, Var bm, Var cm, Var z, Var aLog, Var d, Var h0, Lengths lengths, Cache cache) {
        if (x.rank() != 3) throw new ShapeException("selective scan: x must be (T, B, E), found " + Shapes.toString(x.shape()));
        int T = x.dim(0), B = x.dim(1), E = x.dim(2);
        if (aLog.rank() != 2 || aLog.dim(0) != E) {
            throw new ShapeException("selective scan: A_log must be (" + E + ", N), found " + Shapes.toString(aLog.shape()));
        }
        int N = aLog.dim(1);
        Shapes.check("selective scan delta", deltaPre.shape(), T, B, E);
        Shapes.check("selective scan B", bm.shape(), T, B, N);
        Shapes.check("selective scan C", cm.shape(), T, B, N);
        if (z != null) Shapes.check("selective scan z", z.shape(), T, B, E);
        Shapes.check("selective scan D", d.shape(), E);
        if (h0 != null) Shapes.check("selective scan state", h0.shape(), B, E, N);
        if (lengths != null) lengths.check(B, T);
        float[] aLogV = array(aLog), dV = array(d);
        Params params = cache != null ? cache.get(aLogV, dV, E, N) : new Params(aLogV, dV, E, N);
        Problem p = new Problem(T, B, E, N, lengths == null ? null : lengths.values(), array(x), array(deltaPre),
                array(bm), array(cm), z == null ? null : array(z), params, h0 == null ? null : array(h0));
        Tensor y = Tensor.zeros(T, B, E), hT = Tensor.zeros(B, E, N);
        float[] ckpt = p.forward(y.data(), hT.data(), Node.gradNeeded(x, deltaPre, bm, cm, z, aLog, d, h0));
        Var[] out = new Node(x, deltaPre, bm, cm, z, aLog, d, h0) {
            @Override
            protected void backward(Tensor[] g) {
                Problem.Grads gr = p.backward(ckpt, g[0] == null ? null : array(g[0]), g[1] == null ? null : array(g[1]),
                        needsGrad(7));
                add(gradOf(0), gr.x());
                add(gradOf(1), gr.deltaPre());
                add(gradOf(2), gr.b());
                add(gradOf(3), gr.c());
                add(gradOf(4), gr.z());
                add(gradOf(5), gr.aLog());
                add(gradOf(6), gr.d());
                add(gradOf(7), gr.h0());
            }
        }.outputs(y, hT);
        return new Output(out[0], out[1]);
    }

    /** The inputs as arrays and the scan's forward and backward passes over them. */
    private static final class Problem {
        final int T, B, E, N;
        final int[] len;
        final float[] x, deltaPre, bm, cm, z, h0;
        final Params params;
        final float[] delta, a; // softplus(deltaPre) (T, B, E); A = -exp(aLog) (E, N)

        Problem(int T, int B, int E, int N, int[] len, float[] x, float[] deltaPre, float[] bm, float[] cm, float[] z,
                Params params, float[] h0) {
            this.T = T;
            this.B = B;
            this.E = E;
            this.N = N;
            this.len = len;
            this.x = x;
            this.deltaPre = deltaPre;
            this.bm = bm;
            this.cm = cm;
            this.z = z;
            this.params = params;
            this.a = params.a;
            this.h0 = h0;
            this.delta = new float[T * B * E];
            act().softplus(deltaPre, 0, delta, 0, delta.length);
        }

        int length(int b) {
            return len == null ? T : len[b];
        }

        int tiles() {
            return (E + TILE - 1) / TILE;
        }

        /** Runs the scan into y (T, B, E) and hT (B, E, N); returns the chunk-start states when kept for a backward pass. */
        float[] forward(float[] y, float[] hT, boolean forBackward) {
            int chunks = (T + CHUNK - 1) / CHUNK;
            float[] ckpt = forBackward ? new float[Math.max(1, chunks) * B * E * N] : null;
            Parallel.forRange(B * tiles(), 1, (start, end) -> {
                for (int task = start; task < end; task++) {
                    Tile tile = new Tile(this, task / tiles(), (task % tiles()) * TILE);
                    tile.loadState(h0);
                    int L = length(tile.b);
                    for (int t = 0; t < L; t++) {
                        if (ckpt != null && t % CHUNK == 0) tile.saveState(ckpt, tile.checkpointOffset(t / CHUNK));
                        tile.step(t);
                        tile.writeOutput(t, y);
                    }
                    tile.storeState(hT);
                }
            });
            return ckpt;
        }

        /** Input gradients; the arrays of inputs that need none may still be filled (cheaper than branching). */
        record Grads(float[] x, float[] deltaPre, float[] b, float[] c, float[] z, float[] aLog, float[] d, float[] h0) {}

        Grads backward(float[] ckpt, float[] gy, float[] ghT, boolean wantH0) {
            int tiles = tiles();
            float[] gx = new float[T * B * E], gDelta = new float[T * B * E], gz = z == null ? null : new float[T * B * E];
            float[] gh0 = wantH0 ? new float[B * E * N] : null;
            float[][] gbPart = new float[B * tiles][], gcPart = new float[B * tiles][];
            float[][] gaPart = new float[B * tiles][], gdPart = new float[B * tiles][];
            Parallel.forRange(B * tiles, 1, (start, end) -> {
                for (int task = start; task < end; task++) {
                    Tile tile = new Tile(this, task / tiles, (task % tiles) * TILE);
                    Adjoint adj = new Adjoint(tile);
                    adj.load(ghT);
                    int L = length(tile.b);
                    int nw = N * tile.w;
                    // Per chunk: states (slot k = before step t0 + k), decays and ungated outputs of each step.
                    float[] states = new float[(CHUNK + 1) * nw], decays = new float[CHUNK * nw], ys = new float[CHUNK * tile.w];
                    for (int c = (L + CHUNK - 1) / CHUNK - 1; c >= 0; c--) {
                        int t0 = c * CHUNK, t1 = Math.min(t0 + CHUNK, L);
                        tile.loadSaved(ckpt, tile.checkpointOffset(c));
                        tile.saveState(states, 0);
                        for (int t = t0; t < t1; t++) {
                            tile.step(t);
                            tile.saveState(states, (t - t0 + 1) * nw);
                            tile.saveDecays(decays, (t - t0) * nw);
                            System.arraycopy(tile.acc, 0, ys, (t - t0) * tile.w, tile.w);
                        }
                        for (int t = t1 - 1; t >= t0; t--) {
                            adj.step(t, states, (t - t0 + 1) * nw, (t - t0) * nw, decays, (t - t0) * nw, ys, (t - t0) * tile.w,
                                    gy, gx, gDelta, gz);
                        }
                    }
                    if (gh0 != null) adj.store(gh0);
                    gbPart[task] = adj.gb;
                    gcPart[task] = adj.gc;
                    gaPart[task] = adj.ga();
                    gdPart[task] = adj.gd;
                }
            });
            // Reduce the per-task sums in a fixed order: same bits for any thread count.
            float[] gb = new float[T * B * N], gc = new float[T * B * N], gaLog = new float[E * N], gd = new float[E];
            for (int task = 0; task < B * tiles; task++) {
                int b = task / tiles, e0 = (task % tiles) * TILE, w = Math.min(TILE, E - e0);
                for (int t = 0; t < T; t++) {
                    for (int n = 0; n < N; n++) {
                        gb[(t * B + b) * N + n] += gbPart[task][t * N + n];
                        gc[(t * B + b) * N + n] += gcPart[task][t * N + n];
                    }
                }
                for (int j = 0; j < w; j++) {
                    gd[e0 + j] += gdPart[task][j];
                    for (int n = 0; n < N; n++) gaLog[(e0 + j) * N + n] += gaPart[task][n * w + j];
                }
            }
            for (int i = 0; i < gaLog.length; i++) gaLog[i] *= a[i]; // dA/daLog = A
            float[] gPre = new float[T * B * E], sig = new float[T * B * E];
            act().sigmoid(deltaPre, 0, sig, 0, sig.length); // softplus' = sigmoid
            for (int i = 0; i < gPre.length; i++) gPre[i] = gDelta[i] * sig[i];
            return new Grads(gx, gPre, gb, gc, gz, gaLog, gd, gh0);
        }
    }

    /**
     * The channels [e0, e0 + w) of sequence b. State, parameters and decays are rows of w floats
     * (one per state index n), and a step's inputs are copied into tile-local rows, so every loop
     * over channels indexes all its arrays by the bare counter, the form C2 vectorises.
     */
    private static final class Tile {
        final Problem p;
        final int b, e0, w, N;
        final float[][] aT, h, dA; // (N, w): A, the state, this step's decays exp(delta A)
        final float[] dT, x, delta, dx, acc, gate;

        Tile(Problem p, int b, int e0) {
            this.p = p;
            this.b = b;
            this.e0 = e0;
            this.w = Math.min(TILE, p.E - e0);
            this.N = p.N;
            aT = p.params.aRows[e0 / TILE];
            dT = p.params.dRows[e0 / TILE];
            h = new float[N][w];
            dA = new float[N][w];
            x = new float[w];
            delta = new float[w];
            dx = new float[w];
            acc = new float[w];
            gate = new float[w];
        }

        int row(int t) {
            return (t * p.B + b) * p.E + e0;
        }

        /** Step t: h <- exp(delta A) h + delta B x; {@link #acc} <- C.h + D x (ungated). */
        void step(int t) {
            int r = row(t), bn = (t * p.B + b) * N;
            System.arraycopy(p.x, r, x, 0, w);
            System.arraycopy(p.delta, r, delta, 0, w);
            for (int j = 0; j < w; j++) {
                dx[j] = delta[j] * x[j];
                acc[j] = dT[j] * x[j];
            }
            for (int n = 0; n < N; n++) {
                float[] da = dA[n], an = aT[n], hn = h[n];
                for (int j = 0; j < w; j++) da[j] = delta[j] * an[j];
                act().exp(da, 0, da, 0, w);
                float bv = p.bm[bn + n], cv = p.cm[bn + n];
                for (int j = 0; j < w; j++) {
                    float hv = da[j] * hn[j] + dx[j] * bv;
                    hn[j] = hv;
                    acc[j] += cv * hv;
                }
            }
        }

        /** Writes the gated output of the last step to the (T, B, E) array. */
        void writeOutput(int t, float[] y) {
            int r = row(t);
            if (p.z != null) {
                System.arraycopy(p.z, r, gate, 0, w);
                act().silu(gate, 0, gate, 0, w);
                for (int j = 0; j < w; j++) gate[j] *= acc[j];
                System.arraycopy(gate, 0, y, r, w);
            } else {
                System.arraycopy(acc, 0, y, r, w);
            }
        }

        void loadState(float[] h0) {
            if (h0 == null) return;
            for (int j = 0; j < w; j++) for (int n = 0; n < N; n++) h[n][j] = h0[(b * p.E + e0 + j) * N + n];
        }

        void storeState(float[] out) {
            for (int j = 0; j < w; j++) for (int n = 0; n < N; n++) out[(b * p.E + e0 + j) * N + n] = h[n][j];
        }

        /** Checkpoint slot of this tile: (chunk, b, e0..) blocks of N*w, disjoint across tiles. */
        int checkpointOffset(int chunk) {
            return ((chunk * p.B + b) * p.E + e0) * N;
        }

        /** The state as N rows of w floats at {@code off}. */
        void saveState(float[] dst, int off) {
            for (int n = 0; n < N; n++) System.arraycopy(h[n], 0, dst, off + n * w, w);
        }

        void loadSaved(float[] src, int off) {
            for (int n = 0; n < N; n++) System.arraycopy(src, off + n * w, h[n], 0, w);
        }

        void saveDecays(float[] dst, int off) {
            for (int n = 0; n < N; n++) System.arraycopy(dA[n], 0, dst, off + n * w, w);
        }
    }

    /**
     * The reverse pass over one tile: g = dL/dh_t (N rows of w) runs backwards through
     * {@code g_{t-1} = g_t exp(delta_t A)}, collecting every input's gradient on the way. Sums
     * over channels (B and C are shared) are per-task partials, reduced by the caller.
     */
    private static final class Adjoint {
        final Tile t;
        final Problem p;
        final float[][] g, gaRows, hCur, hPrev, da;
        final float[] gyRow, gDeltaRow, gxRow, prodC, prodB, sig, zRow, yPre, gzRow;
        final float[] gb, gc, gd; // gb, gc: (T, N) of this sequence; gd: (w)

        Adjoint(Tile tile) {
            this.t = tile;
            this.p = tile.p;
            int w = tile.w, N = tile.N;
            g = new float[N][w];
            gaRows = new float[N][w];
            hCur = new float[N][w];
            hPrev = new float[N][w];
            da = new float[N][w];
            gyRow = new float[w];
            gDeltaRow = new float[w];
            gxRow = new float[w];
            prodC = new float[w];
            prodB = new float[w];
            sig = new float[w];
            zRow = new float[w];
            yPre = new float[w];
            gzRow = new float[w];
            gb = new float[p.T * N];
            gc = new float[p.T * N];
            gd = new float[w];
        }

        void load(float[] ghT) {
            if (ghT == null) return;
            int w = t.w, N = t.N;
            for (int j = 0; j < w; j++) for (int n = 0; n < N; n++) g[n][j] = ghT[(t.b * p.E + t.e0 + j) * N + n];
        }

        void store(float[] gh0) {
            int w = t.w, N = t.N;
            for (int j = 0; j < w; j++) for (int n = 0; n < N; n++) gh0[(t.b * p.E + t.e0 + j) * N + n] += g[n][j];
        }

        /** The A gradient sums as one (N, w) array. */
        float[] ga() {
            int w = t.w;
            float[] out = new float[t.N * w];
            for (int n = 0; n < t.N; n++) System.arraycopy(gaRows[n], 0, out, n * w, w);
            return out;
        }

        /**
         * Step ts backwards: h_ts at {@code cur} and h_{ts-1} at {@code prev} in states, its decays
         * at {@code dOff} and its ungated output at {@code yOff}.
         */
        void step(int ts, float[] states, int cur, int prev, float[] decays, int dOff, float[] ys, int yOff,
                  float[] gy, float[] gx, float[] gDelta, float[] gz) {
            int w = t.w, N = t.N, r = t.row(ts), bIdx = (ts * p.B + t.b) * N;
            float[] x = t.x, delta = t.delta, dx = t.dx;
            System.arraycopy(p.x, r, x, 0, w);
            System.arraycopy(p.delta, r, delta, 0, w);
            if (gy != null) System.arraycopy(gy, r, gyRow, 0, w);
            else java.util.Arrays.fill(gyRow, 0f);
            if (p.z != null) { // y = yPre silu(z): dL/dyPre = gy silu(z), dL/dz = gy yPre silu'(z)
                System.arraycopy(p.z, r, zRow, 0, w);
                System.arraycopy(ys, yOff, yPre, 0, w);
                act().sigmoid(zRow, 0, sig, 0, w);
                for (int j = 0; j < w; j++) {
                    float s = sig[j], zv = zRow[j], gv = gyRow[j];
                    gzRow[j] = gv * yPre[j] * s * (1f + zv * (1f - s));
                    gyRow[j] = gv * zv * s;
                }
                for (int j = 0; j < w; j++) gz[r + j] += gzRow[j];
            }
            for (int j = 0; j < w; j++) {
                dx[j] = delta[j] * x[j];
                gd[j] += gyRow[j] * x[j];
                gxRow[j] = gyRow[j] * t.dT[j];
                gDeltaRow[j] = 0f;
            }
            for (int n = 0; n < N; n++) {
                float[] hc = hCur[n], hp = hPrev[n], dn = da[n], gn = g[n], gan = gaRows[n], an = t.aT[n];
                System.arraycopy(states, cur + n * w, hc, 0, w);
                System.arraycopy(states, prev + n * w, hp, 0, w);
                System.arraycopy(decays, dOff + n * w, dn, 0, w);
                float bv = p.bm[bIdx + n], cv = p.cm[bIdx + n];
                int j = VECTOR ? AdjointLanes.mode(w, bv, cv, gn, gyRow, dn, hc, hp, dx, an, x, delta, prodC, prodB, gDeltaRow, gan, gxRow) : 0;
                for (; j < w; j++) {
                    float gh = gn[j] + gyRow[j] * cv; // dL/dh_t
                    float ghda = gh * dn[j];
                    prodC[j] = gyRow[j] * hc[j];
                    prodB[j] = gh * dx[j];
                    gDeltaRow[j] += ghda * an[j] * hp[j] + gh * bv * x[j];
                    gan[j] += ghda * delta[j] * hp[j];
                    gxRow[j] += gh * delta[j] * bv;
                    gn[j] = ghda;
                }
                gc[ts * N + n] += sum(prodC, w);
                gb[ts * N + n] += sum(prodB, w);
            }
            for (int j = 0; j < w; j++) {
                gx[r + j] += gxRow[j];
                gDelta[r + j] += gDeltaRow[j];
            }
        }
    }

    /** Sum of a[0, n) with four partial sums, which breaks the add latency chain. */
    private static float sum(float[] a, int n) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += a[i];
            s1 += a[i + 1];
            s2 += a[i + 2];
            s3 += a[i + 3];
        }
        for (; i < n; i++) s0 += a[i];
        return (s0 + s1) + (s2 + s3);
    }

    private static float[] array(Var v) {
        Tensor t = v.value().contiguous();
        return t.offset() == 0 && t.data().length == t.numel() ? t.data() : t.toArray();
    }

    private static float[] array(Tensor t) {
        Tensor c = t.contiguous();
        return c.offset() == 0 && c.data().length == c.numel() ? c.data() : c.toArray();
    }

    private static void add(Tensor grad, float[] values) {
        if (grad == null || values == null) return;
        Arith.accumulate(grad, Tensor.of(values, grad.shape()), 1f);
    }

    private static Activations act() {
        return Backends.active().activations();
    }
}
