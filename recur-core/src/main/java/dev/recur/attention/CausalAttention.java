package dev.recur.attention;

import dev.recur.autodiff.Node;
import dev.recur.autodiff.Var;
import dev.recur.kernel.Backends;
import dev.recur.kernel.Gemm;
import dev.recur.kernel.Parallel;
import dev.recur.layer.Lengths;
import dev.recur.ops.Arith;
import dev.recur.tensor.ShapeException;
import dev.recur.tensor.Shapes;
import dev.recur.tensor.Tensor;

/**
 * Multi-head causal softmax attention over a sequence and a key/value cache, as one autodiff node:
 * full (every earlier position) or sliding-window (the last W positions, the query's own
 * included). With rotary embeddings, queries and new keys are rotated to their absolute positions
 * here; the cache holds rotated keys.
 *
 * <p>The cache is what the streaming step keeps: keys and values (B, heads, S, d) and, per
 * sequence, the number of positions seen. Full attention stores position p in slot p (S grows);
 * sliding-window attention stores it in slot {@code p mod W} of a ring of S = W slots, holding the
 * last W positions. A sequence's keys are its cached keys followed by its new ones, and query t
 * of a sequence that has seen P0 positions sits at position P0 + t.
 *
 * <p>Per sequence and head the work is blocked by {@value #QUERY_BLOCK} queries, FlashAttention's
 * way on a CPU: scores of a block against the keys it may see are one GEMM, softmax rows keep
 * their log-sum-exp, the output is a second GEMM; the backward pass recomputes the scores from the
 * log-sum-exp instead of storing T x T probabilities. Tasks run in parallel over (sequence, head).
 */
public final class CausalAttention {
    static final int QUERY_BLOCK = 64;

    private CausalAttention() {}

    /** Output (T, B, heads*d) and the updated cache, keys and values (B, heads, S', d). */
    public record Output(Var o, Var k, Var v, int[] positions) {}

    /**
     * @param q, k, v  (T, B, heads*d), before rotation
     * @param window   0 for full attention, else the window W >= 1
     * @param rope     rotary embedding, or null for none
     * @param cacheK   (B, heads, S, d) or null for an empty cache (then cacheV is null too)
     * @param seen     positions seen before, per sequence (ignored without a cache)
     */
    public static Output apply(Var q, Var k, Var v, int heads, int window, Rope rope, Var cacheK, Var cacheV, int[] seen,
                               Lengths lengths) {
        if (q.rank() != 3) throw new ShapeException("attention: queries must be (T, B, heads*d), found " + Shapes.toString(q.shape()));
        int T = q.dim(0), B = q.dim(1), D = q.dim(2);
        if (heads < 1 || D % heads != 0) throw new ShapeException("attention: width " + D + " is not divisible into " + heads + " heads");
        int dh = D / heads;
        Shapes.check("attention keys", k.shape(), T, B, D);
        Shapes.check("attention values", v.shape(), T, B, D);
        if (rope != null && rope.headDim() != dh) throw new IllegalArgumentException("rotary head size " + rope.headDim() + " != " + dh);
        if (lengths != null) lengths.check(B, T);
        if ((cacheK == null) != (cacheV == null)) throw new IllegalArgumentException("attention: cache needs keys and values");
        Layout layout = new Layout(window);
        int S = 0;
        int[] pos0 = new int[B];
        if (cacheK != null) {
            if (cacheK.rank() != 4 || cacheK.dim(0) != B || cacheK.dim(1) != heads || cacheK.dim(3) != dh) {
                throw new ShapeException("attention: cached keys must be (" + B + ", " + heads + ", S, " + dh + "), found "
                        + Shapes.toString(cacheK.shape()));
            }
            Shapes.check("attention cached values", cacheV.shape(), cacheK.shape());
            S = cacheK.dim(2);
            if (seen == null || seen.length != B) throw new ShapeException("attention: one position count per sequence needed (" + B + ")");
            for (int b = 0; b < B; b++) {
                if (seen[b] < 0 || (window == 0 && seen[b] > S) || (window > 0 && S != window)) {
                    throw new ShapeException("attention: cache of " + S + " slots cannot hold " + seen[b] + " positions"
                            + (window > 0 ? " in a window of " + window : ""));
                }
                pos0[b] = seen[b];
            }
        }
        int[] len = new int[B], posAfter = new int[B];
        for (int b = 0; b < B; b++) {
            len[b] = lengths == null ? T : lengths.get(b);
            posAfter[b] = pos0[b] + len[b];
        }
        Problem p = new Problem(T, B, heads, dh, layout, rope, pos0, len, S, array(q), array(k), array(v),
                cacheK == null ? null : array(cacheK), cacheK == null ? null : array(cacheV));
        int S2 = layout.capacity(posAfter);
        Tensor o = Tensor.zeros(T, B, D), k2 = Tensor.zeros(B, heads, S2, dh), v2 = Tensor.zeros(B, heads, S2, dh);
        p.forward(o.data(), k2.data(), v2.data(), S2);
        Var[] out = new Node(q, k, v, cacheK, cacheV) {
            @Override
            protected void backward(Tensor[] g) {
                float[] gq = new float[T * B * D], gk = new float[T * B * D], gv = new float[T * B * D];
                float[] gck = cacheK == null ? null : new float[B * heads * p.S * dh];
                float[] gcv = cacheK == null ? null : new float[B * heads * p.S * dh];
                p.backward(g[0] == null ? null : array(g[0]), g[1] == null ? null : array(g[1]), g[2] == null ? null : array(g[2]),
                        S2, gq, gk, gv, gck, gcv);
                add(gradOf(0), gq);
                add(gradOf(1), gk);
                add(gradOf(2), gv);
                add(gradOf(3), gck);
                add(gradOf(4), gcv);
            }
        }.outputs(o, k2, v2);
        return new Output(out[0], out[1], out[2], posAfter);
    }

    /** Where each position lives in the cache. */
    record Layout(int window) {
        /** Cached positions a sequence that has seen {@code seen} starts with. */
        int prefix(int seen) {
            return window == 0 ? seen : Math.min(seen, window);
        }

        int slot(int position) {
            return window == 0 ? position : position % window;
        }

        /** The first position the cache still holds after {@code seen} positions. */
        int first(int seen) {
            return window == 0 ? 0 : Math.max(0, seen - window);
        }

        int capacity(int[] seen) {
            if (window > 0) return window;
            int m = 0;
            for (int s : seen) m = Math.max(m, s);
            return m;
        }

        /** The first key index (in a sequence's key list) that query t, at list index i, may see. */
        int lowest(int i) {
            return window == 0 ? 0 : Math.max(0, i - window + 1);
        }
    }

    /** The inputs as arrays, and one task per (sequence, head). */
    private static final class Problem {
        final int T, B, heads, dh, D, S;
        final Layout layout;
        final Rope rope;
        final int[] pos0, len;
        final float[] q, k, v, ck, cv;
        final float scale;
        final Head[] tasks;

        Problem(int T, int B, int heads, int dh, Layout layout, Rope rope, int[] pos0, int[] len, int S,
                float[] q, float[] k, float[] v, float[] ck, float[] cv) {
            this.T = T;
            this.B = B;
            this.heads = heads;
            this.dh = dh;
            this.D = heads * dh;
            this.S = S;
            this.layout = layout;
            this.rope = rope;
            this.pos0 = pos0;
            this.len = len;
            this.q = q;
            this.k = k;
            this.v = v;
            this.ck = ck;
            this.cv = cv;
            this.scale = (float) (1 / Math.sqrt(dh));
            this.tasks = new Head[B * heads];
        }

        void forward(float[] o, float[] k2, float[] v2, int S2) {
            Parallel.forRange(B * heads, 1, (start, end) -> {
                Gemm gemm = Backends.active().gemm();
                for (int task = start; task < end; task++) {
                    Head hd = new Head(this, task / heads, task % heads);
                    hd.forward(gemm, o);
                    hd.writeCache(k2, v2, S2);
                    tasks[task] = hd;
                }
            });
        }

        void backward(float[] go, float[] gk2, float[] gv2, int S2, float[] gq, float[] gk, float[] gv, float[] gck, float[] gcv) {
            Parallel.forRange(B * heads, 1, (start, end) -> {
                Gemm gemm = Backends.active().gemm();
                for (int task = start; task < end; task++) tasks[task].backward(gemm, go, gk2, gv2, S2, gq, gk, gv, gck, gcv);
            });
        }
    }

    /**
     * One sequence and head: its queries (L, d), and its key list (n = P + L, d) made of the P
     * cached keys, oldest first, and the L new ones; values alike.
     */
    private static final class Head {
        final Problem p;
        final int b, h, P, L, n, dh;
        final float[] q, kl, vl, out, lse;

        Head(Problem p, int b, int h) {
            this.p = p;
            this.b = b;
            this.h = h;
            this.dh = p.dh;
            this.P = p.ck == null ? 0 : p.layout.prefix(p.pos0[b]);
            this.L = p.len[b];
            this.n = P + L;
            q = new float[L * dh];
            kl = new float[n * dh];
            vl = new float[n * dh];
            out = new float[L * dh];
            lse = new float[L];
            for (int i = 0; i < P; i++) {
                int slot = p.layout.slot(p.pos0[b] - P + i), src = cacheRow(p.S, slot);
                System.arraycopy(p.ck, src, kl, i * dh, dh);
                System.arraycopy(p.cv, src, vl, i * dh, dh);
            }
            for (int t = 0; t < L; t++) {
                int src = row(t);
                System.arraycopy(p.q, src, q, t * dh, dh);
                System.arraycopy(p.k, src, kl, (P + t) * dh, dh);
                System.arraycopy(p.v, src, vl, (P + t) * dh, dh);
                if (p.rope != null) {
                    p.rope.rotate(q, t * dh, p.pos0[b] + t, false);
                    p.rope.rotate(kl, (P + t) * dh, p.pos0[b] + t, false);
                }
            }
        }

        int row(int t) {
            return (t * p.B + b) * p.D + h * dh;
        }

        int cacheRow(int slots, int slot) {
            return ((b * p.heads + h) * slots + slot) * dh;
        }

        /** The key range [lo, hi) that queries [t0, t1) may see. */
        int lo(int t0) {
            return p.layout.lowest(P + t0);
        }

        /** Scores of queries [t0, t1) against keys [lo, hi), masked and normalised: s becomes the probabilities. */
        void probabilities(Gemm gemm, int t0, int t1, int lo, int hi, float[] s, boolean fromLse) {
            int span = hi - lo, rows = t1 - t0;
            gemm.sgemm(false, true, rows, span, dh, p.scale, q, t0 * dh, dh, kl, lo * dh, dh, 0f, s, 0, span);
            for (int r = 0; r < rows; r++) {
                int t = t0 + r, a = p.layout.lowest(P + t) - lo, z = P + t - lo + 1; // allowed columns [a, z)
                int o = r * span;
                java.util.Arrays.fill(s, o, o + a, 0f);
                java.util.Arrays.fill(s, o + z, o + span, 0f);
                float m;
                if (fromLse) {
                    m = lse[t];
                } else {
                    m = Float.NEGATIVE_INFINITY;
                    for (int c = a; c < z; c++) m = Math.max(m, s[o + c]);
                }
                for (int c = a; c < z; c++) s[o + c] -= m;
                Backends.active().activations().exp(s, o + a, s, o + a, z - a);
                if (!fromLse) {
                    double sum = 0;
                    for (int c = a; c < z; c++) sum += s[o + c];
                    float inv = (float) (1 / sum);
                    for (int c = a; c < z; c++) s[o + c] *= inv;
                    lse[t] = m + (float) Math.log(sum);
                }
            }
        }

        void forward(Gemm gemm, float[] o) {
            float[] s = new float[QUERY_BLOCK * Math.max(1, n)];
            for (int t0 = 0; t0 < L; t0 += QUERY_BLOCK) {
                int t1 = Math.min(L, t0 + QUERY_BLOCK), lo = lo(t0), hi = P + t1;
                probabilities(gemm, t0, t1, lo, hi, s, false);
                gemm.sgemm(false, false, t1 - t0, dh, hi - lo, 1f, s, 0, hi - lo, vl, lo * dh, dh, 0f, out, t0 * dh, dh);
            }
            for (int t = 0; t < L; t++) System.arraycopy(out, t * dh, o, row(t), dh);
        }

        /** Writes the positions the cache keeps after this call into the new cache (B, heads, S2, d). */
        void writeCache(float[] k2, float[] v2, int S2) {
            int seen = p.pos0[b] + L, base = p.pos0[b] - P; // key list index i holds position base + i
            for (int pos = p.layout.first(seen); pos < seen; pos++) {
                int dst = cacheRow(S2, p.layout.slot(pos)), i = pos - base;
                System.arraycopy(kl, i * dh, k2, dst, dh);
                System.arraycopy(vl, i * dh, v2, dst, dh);
            }
        }

        void backward(Gemm gemm, float[] go, float[] gk2, float[] gv2, int S2, float[] gq, float[] gk, float[] gv,
                      float[] gck, float[] gcv) {
            float[] dq = new float[L * dh], dkl = new float[n * dh], dvl = new float[n * dh];
            if (go != null && L > 0) {
                float[] dout = new float[L * dh];
                for (int t = 0; t < L; t++) System.arraycopy(go, row(t), dout, t * dh, dh);
                float[] s = new float[QUERY_BLOCK * n], dp = new float[QUERY_BLOCK * n];
                for (int t0 = 0; t0 < L; t0 += QUERY_BLOCK) {
                    int t1 = Math.min(L, t0 + QUERY_BLOCK), lo = lo(t0), hi = P + t1, span = hi - lo, rows = t1 - t0;
                    probabilities(gemm, t0, t1, lo, hi, s, true);
                    gemm.sgemm(false, true, rows, span, dh, 1f, dout, t0 * dh, dh, vl, lo * dh, dh, 0f, dp, 0, span);
                    // dS = P (dP - rowsum(P o dP)); zero where P is. The row sum is taken from the same
                    // dP (not from dO o O, equal in exact arithmetic), so that a row with one key gets
                    // dS = 0 exactly whatever rounding the GEMM uses.
                    for (int r = 0; r < rows; r++) {
                        int o = r * span;
                        double acc = 0;
                        for (int c = 0; c < span; c++) acc += s[o + c] * dp[o + c];
                        float dr = (float) acc;
                        for (int c = 0; c < span; c++) dp[o + c] = s[o + c] * (dp[o + c] - dr);
                    }
                    gemm.sgemm(false, false, rows, dh, span, p.scale, dp, 0, span, kl, lo * dh, dh, 1f, dq, t0 * dh, dh);
                    gemm.sgemm(true, false, span, dh, rows, p.scale, dp, 0, span, q, t0 * dh, dh, 1f, dkl, lo * dh, dh);
                    gemm.sgemm(true, false, span, dh, rows, 1f, s, 0, span, dout, t0 * dh, dh, 1f, dvl, lo * dh, dh);
                }
            }
            // The new cache copied key-list rows: their gradients flow back to those rows.
            int seen = p.pos0[b] + L, base = p.pos0[b] - P;
            for (int pos = p.layout.first(seen); pos < seen; pos++) {
                int src = cacheRow(S2, p.layout.slot(pos)), i = pos - base;
                if (gk2 != null) for (int c = 0; c < dh; c++) dkl[i * dh + c] += gk2[src + c];
                if (gv2 != null) for (int c = 0; c < dh; c++) dvl[i * dh + c] += gv2[src + c];
            }
            for (int i = 0; i < P && gck != null; i++) {
                int dst = cacheRow(p.S, p.layout.slot(p.pos0[b] - P + i));
                for (int c = 0; c < dh; c++) {
                    gck[dst + c] += dkl[i * dh + c];
                    gcv[dst + c] += dvl[i * dh + c];
                }
            }
            for (int t = 0; t < L; t++) {
                if (p.rope != null) { // the rotation is orthogonal: its transpose is the inverse rotation
                    p.rope.rotate(dq, t * dh, p.pos0[b] + t, true);
                    p.rope.rotate(dkl, (P + t) * dh, p.pos0[b] + t, true);
                }
                int r = row(t);
                for (int c = 0; c < dh; c++) {
                    gq[r + c] += dq[t * dh + c];
                    gk[r + c] += dkl[(P + t) * dh + c];
                    gv[r + c] += dvl[(P + t) * dh + c];
                }
            }
        }
    }

    private static float[] array(Var v) {
        return array(v.value());
    }

    private static float[] array(Tensor t) {
        Tensor c = t.contiguous();
        return c.offset() == 0 && c.data().length == c.numel() ? c.data() : c.toArray();
    }

    private static void add(Tensor grad, float[] values) {
        if (grad == null || values == null) return;
        Arith.accumulate(grad, Tensor.of(values, grad.shape()), 1f);
    }
}
