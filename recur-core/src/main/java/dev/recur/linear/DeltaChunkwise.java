package dev.recur.linear;

/**
 * The chunkwise-parallel form of the (gated) delta rule in the WY/UT representation (Yang et al.
 * 2024, "Parallelizing Linear Transformers with the Delta Rule over Sequence Length", §3.2-3.3;
 * the gated form of "Gated Delta Networks", §3.3). Inside a chunk of L positions, with γ the
 * cumulative log decay since the chunk start, Γ = e^γ, and the chunk's start state S_0:
 * <pre>
 *   A    = strictly-lower( diag(β) (K Kᵀ ⊙ e^{γ_t − γ_u}) )
 *   T    = (I + A)^{-1}                                  (UT transform, forward substitution)
 *   V'   = β ⊙ (V − Γ ⊙ K S_0),   U = T V'             (pseudo-values u_p of the recurrence)
 *   O    = (Γ ⊙ Q) S_0 + (Q Kᵀ ⊙ e^{γ_t − γ_u}, causal) U
 *   S_L  = Γ_L S_0 + (K ⊙ e^{γ_L − γ})ᵀ U
 * </pre>
 * All exponents are <= 0. The paper's W = T (βΓ ⊙ K), U = T (β ⊙ V) − W S_0 is the same U with
 * the products associated the other way: here the state is applied to K before the UT transform,
 * so T multiplies one C × dv block instead of a C × (dv + dk) one, and in the backward pass
 * {@code dV' = Tᵀ dU} and {@code dA = −Tᵀ dT Tᵀ = −dV' Uᵀ} (with {@code dT = dU V'ᵀ}) are C × dv
 * products as well; W is never formed. The products with a triangular factor (T, Tᵀ, the causal
 * scores) or of which only a triangle is read (K Kᵀ, Q Kᵀ, dA) skip the other triangle in row
 * blocks ({@link TriGemm}). Together that is about 30 % fewer multiply-adds than the W/U form at
 * C = dk = dv = 64. T, U, K S_0, K Kᵀ and the scores are kept for the backward pass, which runs
 * the chunks in reverse carrying dS and differentiates these lines in reverse order.
 */
final class DeltaChunkwise {
    private DeltaChunkwise() {}

    /** Per chunk: T (C × C), U and K S_0 (C × dv each), K Kᵀ and the query scores P (C × C). */
    record Saved(float[] t, float[] u, float[] ks, float[] kk, float[] p) {
        static Saved allocate(int chunks, int C, int dk, int dv) {
            return new Saved(new float[chunks * C * C], new float[chunks * C * dv], new float[chunks * C * dv],
                    new float[chunks * C * C], new float[chunks * C * C]);
        }
    }

    static Saved forward(DeltaOp.Seq s, float[] S, float[] o, float[] starts, int C) {
        int dk = s.dk(), dv = s.dv(), nh = s.nh(), area = dk * dv, P = s.positions();
        int chunks = (P + C - 1) / C;
        Saved saved = Saved.allocate(chunks, C, dk, dv);
        Work w = new Work(C, dk, dv);
        float[] k = s.k(), v = s.v(), beta = s.beta(), kk = saved.kk, KS = saved.ks;
        for (int ci = 0; ci < chunks; ci++) {
            int c0 = ci * C, L = Math.min(C, P - c0), nq = L / nh, q0 = c0 / nh;
            int sq = ci * C * C, uOff = ci * C * dv;
            System.arraycopy(S, 0, starts, ci * area, area);
            w.decay(s, c0, L);
            w.tailKeys(s, c0, L);
            // Kᵀ once, for K Kᵀ here and Q Kᵀ in queryScores
            SmallGemm.transpose(k, c0 * dk, dk, L, dk, w.kt);
            TriGemm.lowerC(false, false, L, L, dk, 1, 1f, k, c0 * dk, dk, w.kt, 0, L, 0f, kk, sq, C);
            for (int t = 0; t < L; t++) {
                float bt = beta[c0 + t];
                for (int u = 0; u < t; u++) w.a[t * C + u] = bt * w.m[t * C + u] * kk[sq + t * C + u];
            }
            Triangular.unitLowerInverse(w.a, 0, C, saved.t, sq, C, L);
            // V' = β ⊙ (V − Γ ⊙ K S_0), U = T V'
            Blas.gemm(false, false, L, dv, dk, 1f, k, c0 * dk, dk, S, 0, dv, 0f, KS, uOff, dv);
            for (int t = 0; t < L; t++) {
                int p = c0 + t;
                float bt = beta[p];
                Blas.scaleTo(bt, v, p * dv, w.vp, t * dv, dv);
                Blas.axpy(-bt * w.gam1[t], KS, uOff + t * dv, w.vp, t * dv, dv);
            }
            TriGemm.lowerA(false, false, L, dv, L, 1, 1f, saved.t, sq, C, w.vp, 0, dv, 0f, saved.u, uOff, dv);
            if (nq > 0) {
                w.queryScores(s, c0, L, saved.p, sq);
                Blas.gemm(false, false, nq, dv, dk, 1f, w.qg, 0, dk, S, 0, dv, 0f, o, q0 * dv, dv);
                TriGemm.lowerA(false, false, nq, dv, L, nh, 1f, saved.p, sq, C, saved.u, uOff, dv, 1f, o, q0 * dv, dv);
            }
            Blas.scale(w.gam1[L - 1], S, 0, area);
            Blas.gemm(true, false, dk, dv, L, 1f, w.kh, 0, dk, saved.u, uOff, dv, 1f, S, 0, dv);
        }
        return saved;
    }

    /**
     * Adds the gradients into {@code grad}; {@code dS} holds the final state's gradient on entry and
     * the initial state's on return.
     */
    static void backward(DeltaOp.Seq s, float[] dO, float[] dS, float[] starts, Saved saved, int C, DeltaOp.Seq grad) {
        int dk = s.dk(), dv = s.dv(), nh = s.nh(), area = dk * dv, P = s.positions();
        int chunks = (P + C - 1) / C;
        boolean gated = s.g() != null;
        Work w = new Work(C, dk, dv);
        float[] q = s.q(), k = s.k(), v = s.v(), beta = s.beta();
        float[] T = saved.t, U = saved.u, KS = saved.ks, KK = saved.kk, Ps = saved.p;
        float[] dU = new float[C * dv], dVp = new float[C * dv], dK = new float[C * dk], dQ = new float[C * dk];
        float[] dA = new float[C * C], dB = new float[C * C], x = new float[C * dk];
        float[] dgam = new float[C], dSn = new float[area], s0t = new float[area];
        for (int ci = chunks - 1; ci >= 0; ci--) {
            int c0 = ci * C, L = Math.min(C, P - c0), nq = L / nh, q0 = c0 / nh;
            int sq = ci * C * C, uOff = ci * C * dv, sOff = ci * area;
            w.decay(s, c0, L);
            w.tailKeys(s, c0, L);
            java.util.Arrays.fill(dgam, 0f);
            java.util.Arrays.fill(dK, 0f);
            // S_L = Γ_L S_0 + K̂ᵀ U, K̂ = K ⊙ e^{γ_L − γ}
            Blas.gemm(false, false, L, dv, dk, 1f, w.kh, 0, dk, dS, 0, dv, 0f, dU, 0, dv);
            Blas.gemm(false, true, L, dk, dv, 1f, U, uOff, dv, dS, 0, dv, 0f, x, 0, dk);
            float gL = w.gam1[L - 1];
            float dgL = gated ? gL * Blas.dot(starts, sOff, dS, 0, area) : 0f;
            for (int t = 0; t < L; t++) {
                float e = w.tail[t];
                Blas.axpy(e, x, t * dk, dK, t * dk, dk);
                if (gated && t < L - 1) {
                    float en = rowDot(x, t * dk, w.kh, t * dk, dk);
                    dgL += en;
                    dgam[t] -= en;
                }
            }
            Blas.scaleTo(gL, dS, 0, dSn, 0, area);
            // S_0ᵀ, for the two products with it below (one transposition instead of one per product)
            SmallGemm.transpose(starts, sOff, dv, dk, dv, s0t);
            // Uᵀ, for dO Uᵀ and dV' Uᵀ
            SmallGemm.transpose(U, uOff, dv, L, dv, w.ut);
            // O = (Γ ⊙ Q) S_0 + P U
            java.util.Arrays.fill(dQ, 0, nq * dk, 0f);
            if (nq > 0) {
                w.queryScales(s, c0, L);
                Blas.gemm(false, false, nq, dk, dv, 1f, dO, q0 * dv, dv, s0t, 0, dk, 0f, x, 0, dk);
                for (int r = 0; r < nq; r++) {
                    int qp = r * nh + nh - 1;
                    float G = w.gam1[qp];
                    Blas.axpy(G, x, r * dk, dQ, r * dk, dk);
                    if (gated) dgam[qp] += G * rowDot(x, r * dk, q, (q0 + r) * dk, dk);
                }
                Blas.gemm(true, false, dk, dv, nq, 1f, w.qg, 0, dk, dO, q0 * dv, dv, 1f, dSn, 0, dv);
                TriGemm.lowerC(false, false, nq, L, dv, nh, 1f, dO, q0 * dv, dv, w.ut, 0, L, 0f, dB, 0, C);
                TriGemm.upperA(true, false, L, dv, nq, nh, 1f, Ps, sq, C, dO, q0 * dv, dv, 1f, dU, 0, dv);
                for (int r = 0; r < nq; r++) {
                    int qp = r * nh + nh - 1;
                    for (int u = 0; u < L; u++) {
                        int ix = r * C + u;
                        if (u > qp) {
                            dB[ix] = 0f;
                            continue;
                        }
                        if (gated && u < qp) {
                            float en = dB[ix] * Ps[sq + ix];
                            dgam[qp] += en;
                            dgam[u] -= en;
                        }
                        dB[ix] *= w.m[qp * C + u];
                    }
                }
                TriGemm.lowerA(false, false, nq, dk, L, nh, 1f, dB, 0, C, k, c0 * dk, dk, 1f, dQ, 0, dk);
                TriGemm.upperA(true, false, L, dk, nq, nh, 1f, dB, 0, C, q, q0 * dk, dk, 1f, dK, 0, dk);
            }
            // U = T V', V' = β ⊙ (V − Γ ⊙ K S_0): dV' = Tᵀ dU; d(K S_0) = −βΓ ⊙ dV' (kept in dV')
            TriGemm.upperA(true, false, L, dv, L, 1, 1f, T, sq, C, dU, 0, dv, 0f, dVp, 0, dv);
            // T = (I + A)^{-1}: dA = −Tᵀ dT Tᵀ with dT = dU V'ᵀ, i.e. −dV' Uᵀ, on A's strictly lower support
            TriGemm.lowerC(false, false, L, L, dv, 1, -1f, dVp, 0, dv, w.ut, 0, L, 0f, dA, 0, C);
            for (int t = 0; t < L; t++) {
                int p = c0 + t, row = t * dv;
                float bt = beta[p], G = w.gam1[t];
                float xs = rowDot(dVp, row, KS, uOff + row, dv);
                grad.beta()[p] += rowDot(dVp, row, v, p * dv, dv) - G * xs;
                if (gated) dgam[t] -= bt * G * xs;
                Blas.axpy(bt, dVp, row, grad.v(), p * dv, dv);
                Blas.scale(-bt * G, dVp, row, dv);
            }
            Blas.gemm(false, false, L, dk, dv, 1f, dVp, 0, dv, s0t, 0, dk, 1f, dK, 0, dk);
            Blas.gemm(true, false, dk, dv, L, 1f, k, c0 * dk, dk, dVp, 0, dv, 1f, dSn, 0, dv);
            // A_tu = β_t e^{γ_t − γ_u} (k_t · k_u), u < t: dK += (dG + dGᵀ) K with dG_tu = dA_tu β_t e^{γ_t − γ_u}
            for (int t = 0; t < L; t++) {
                int p = c0 + t;
                float bt = beta[p], db = 0f;
                dB[t * C + t] = 0f;
                for (int u = 0; u < t; u++) {
                    int ix = t * C + u;
                    float f = w.m[ix] * KK[sq + ix], d = dA[ix], dg = d * bt * w.m[ix];
                    db += d * f;
                    dB[ix] = dg;
                    dB[u * C + t] = dg;
                    if (gated) {
                        float en = d * bt * f;
                        dgam[t] += en;
                        dgam[u] -= en;
                    }
                }
                grad.beta()[p] += db;
            }
            Blas.gemm(false, false, L, dk, L, 1f, dB, 0, C, k, c0 * dk, dk, 1f, dK, 0, dk);
            Blas.axpy(1f, dK, 0, grad.k(), c0 * dk, L * dk);
            Blas.axpy(1f, dQ, 0, grad.q(), q0 * dk, nq * dk);
            if (gated) {
                // γ is the cumulative sum of the per-position log decay; a token's g sits at its first position.
                dgam[L - 1] += dgL;
                float acc = 0f;
                for (int t = L - 1; t >= 0; t--) {
                    acc += dgam[t];
                    if (s.opensToken(c0 + t)) grad.g()[(c0 + t) / nh] += acc;
                }
            }
            System.arraycopy(dSn, 0, dS, 0, area);
        }
    }

    /**
     * {@code a · b} over a short row (a head's width) with four scalar accumulators in a fixed
     * order. Why not {@link Blas#dot}: called once or twice per row from this loop, the backend's
     * vector dot ran its lane sum through the Vector API's Java fallback (JFR: 8 % of the chunkwise
     * core in {@code LaneSums.sum}, about 0.3 us per call); this loop costs a few dozen cycles and
     * gives the same bits compiled or interpreted.
     */
    static float rowDot(float[] a, int aOff, float[] b, int bOff, int n) {
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            s0 += a[aOff + i] * b[bOff + i];
            s1 += a[aOff + i + 1] * b[bOff + i + 1];
            s2 += a[aOff + i + 2] * b[bOff + i + 2];
            s3 += a[aOff + i + 3] * b[bOff + i + 3];
        }
        for (; i < n; i++) s0 += a[aOff + i] * b[bOff + i];
        return (s0 + s1) + (s2 + s3);
    }

    /** Scratch space for one chunk. */
    private static final class Work {
        final int C, dk, dv;
        /** γ (cumulative log decay), e^γ, e^{γ_L − γ}, and e^{γ_t − γ_u} for u <= t (row stride C). */
        final float[] gam, gam1, tail, m;
        final float[] a, vp, kh, qg;
        /** Kᵀ (dk × L) and Uᵀ (dv × L) of the chunk, row stride L. */
        final float[] kt, ut;

        Work(int C, int dk, int dv) {
            this.C = C;
            this.dk = dk;
            this.dv = dv;
            gam = new float[C];
            gam1 = new float[C];
            tail = new float[C];
            m = new float[C * C];
            a = new float[C * C];
            vp = new float[C * dv];
            kh = new float[C * dk];
            qg = new float[C * dk];
            kt = new float[dk * C];
            ut = new float[dv * C];
        }

        void decay(DeltaOp.Seq s, int c0, int L) {
            if (s.g() == null) {
                java.util.Arrays.fill(gam, 0, L, 0f);
                java.util.Arrays.fill(gam1, 0, L, 1f);
                java.util.Arrays.fill(tail, 0, L, 1f);
                for (int t = 0; t < L; t++) java.util.Arrays.fill(m, t * C, t * C + t + 1, 1f);
                return;
            }
            float acc = 0f;
            for (int t = 0; t < L; t++) {
                acc += s.logDecay(c0 + t);
                gam[t] = acc;
            }
            for (int t = 0; t < L; t++) {
                gam1[t] = gam[t];
                tail[t] = gam[L - 1] - gam[t];
                for (int u = 0; u <= t; u++) m[t * C + u] = gam[t] - gam[u];
                Blas.expInPlace(m, t * C, t + 1);
            }
            Blas.expInPlace(gam1, 0, L);
            Blas.expInPlace(tail, 0, L);
        }

        /** K ⊙ e^{γ_L − γ} for the chunk at c0. */
        void tailKeys(DeltaOp.Seq s, int c0, int L) {
            float[] k = s.k();
            for (int t = 0; t < L; t++) Blas.scaleTo(tail[t], k, (c0 + t) * dk, kh, t * dk, dk);
        }

        /** Γ ⊙ Q for the chunk's queries. */
        void queryScales(DeltaOp.Seq s, int c0, int L) {
            int nh = s.nh(), nq = L / nh, q0 = c0 / nh;
            for (int r = 0; r < nq; r++) {
                float G = gam1[r * nh + nh - 1];
                Blas.scaleTo(G, s.q(), (q0 + r) * dk, qg, r * dk, dk);
            }
        }

        /**
         * Γ ⊙ Q, and the causal, decayed scores of the chunk's queries (nq × L, row stride C) into
         * {@code p} at pOff; {@link #kt} must hold the chunk's Kᵀ.
         */
        void queryScores(DeltaOp.Seq s, int c0, int L, float[] p, int pOff) {
            int nh = s.nh(), nq = L / nh, q0 = c0 / nh;
            queryScales(s, c0, L);
            TriGemm.lowerC(false, false, nq, L, dk, nh, 1f, s.q(), q0 * dk, dk, kt, 0, L, 0f, p, pOff, C);
            for (int r = 0; r < nq; r++) {
                int qp = r * nh + nh - 1;
                for (int u = 0; u < L; u++) p[pOff + r * C + u] = u <= qp ? p[pOff + r * C + u] * m[qp * C + u] : 0f;
            }
        }
    }
}
