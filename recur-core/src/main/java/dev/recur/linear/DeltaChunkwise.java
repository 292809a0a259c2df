package dev.recur.linear;

/**
 * The chunkwise-parallel form of the (gated) delta rule in the WY/UT representation (Yang et al.
 * 2024, "Parallelizing Linear Transformers with the Delta Rule over Sequence Length", §3.2-3.3;
 * the gated form of "Gated Delta Networks", §3.3). Inside a chunk of L positions, with γ the
 * cumulative log decay since the chunk start, Γ = e^γ, and the chunk's start state S_0:
 * <pre>
 *   A    = strictly-lower( diag(β) (K Kᵀ ⊙ e^{γ_t − γ_u}) )
 *   T    = (I + A)^{-1}                                  (UT transform, forward substitution)
 *   W    = T (βΓ ⊙ K),   U = T (β ⊙ V) − W S_0          (pseudo-values u_p of the recurrence)
 *   O    = (Γ ⊙ Q) S_0 + (Q Kᵀ ⊙ e^{γ_t − γ_u}, causal) U
 *   S_L  = Γ_L S_0 + (K ⊙ e^{γ_L − γ})ᵀ U
 * </pre>
 * All exponents are <= 0. Every product is a GEMM on the active backend; β ⊙ V and βΓ ⊙ K sit side
 * by side so that T multiplies both in one product, as do the matching products of the backward
 * pass. T, [T (β ⊙ V) | W], U, K Kᵀ and the scores are kept for the backward pass, which runs the chunks in reverse carrying dS and
 * differentiates these lines in reverse order. Through the inverse, {@code dA = −Tᵀ dT Tᵀ} with
 * {@code dT = [dU | dW] [β⊙V | βΓ⊙K]ᵀ} is formed as {@code −(Tᵀ [dU | dW]) [Ũ | W]ᵀ}: one GEMM
 * with factors the pass needs anyway, instead of four.
 */
final class DeltaChunkwise {
    private DeltaChunkwise() {}

    /** Per chunk: T (C × C), [Ũ | W] = T [β ⊙ V | βΓ ⊙ K] (C × (dv + dk)), U (C × dv), K Kᵀ and the query scores P (C × C). */
    record Saved(float[] t, float[] uw, float[] u, float[] kk, float[] p) {
        static Saved allocate(int chunks, int C, int dk, int dv) {
            return new Saved(new float[chunks * C * C], new float[chunks * C * (dv + dk)], new float[chunks * C * dv],
                    new float[chunks * C * C], new float[chunks * C * C]);
        }
    }

    static Saved forward(DeltaOp.Seq s, float[] S, float[] o, float[] starts, int C) {
        int dk = s.dk(), dv = s.dv(), n2 = dv + dk, nh = s.nh(), area = dk * dv, P = s.positions();
        int chunks = (P + C - 1) / C;
        Saved saved = Saved.allocate(chunks, C, dk, dv);
        Work w = new Work(C, dk, dv);
        float[] k = s.k(), kk = saved.kk;
        for (int ci = 0; ci < chunks; ci++) {
            int c0 = ci * C, L = Math.min(C, P - c0), nq = L / nh, q0 = c0 / nh;
            int sq = ci * C * C, uwOff = ci * C * n2, uOff = ci * C * dv;
            System.arraycopy(S, 0, starts, ci * area, area);
            w.decay(s, c0, L);
            w.scaledInputs(s, c0, L);
            Blas.gemm(false, true, L, L, dk, 1f, k, c0 * dk, dk, k, c0 * dk, dk, 0f, kk, sq, C);
            for (int t = 0; t < L; t++) {
                float bt = s.beta()[c0 + t];
                for (int u = 0; u < t; u++) w.a[t * C + u] = bt * w.m[t * C + u] * kk[sq + t * C + u];
            }
            Triangular.unitLowerInverse(w.a, 0, C, saved.t, sq, C, L);
            Blas.gemm(false, false, L, n2, L, 1f, saved.t, sq, C, w.vk, 0, n2, 0f, saved.uw, uwOff, n2);
            for (int t = 0; t < L; t++) System.arraycopy(saved.uw, uwOff + t * n2, saved.u, uOff + t * dv, dv);
            Blas.gemm(false, false, L, dv, dk, -1f, saved.uw, uwOff + dv, n2, S, 0, dv, 1f, saved.u, uOff, dv);
            if (nq > 0) {
                w.queryScores(s, c0, L, saved.p, sq);
                Blas.gemm(false, false, nq, dv, dk, 1f, w.qg, 0, dk, S, 0, dv, 0f, o, q0 * dv, dv);
                Blas.gemm(false, false, nq, dv, L, 1f, saved.p, sq, C, saved.u, uOff, dv, 1f, o, q0 * dv, dv);
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
        int dk = s.dk(), dv = s.dv(), n2 = dv + dk, nh = s.nh(), area = dk * dv, P = s.positions();
        int chunks = (P + C - 1) / C;
        boolean gated = s.g() != null;
        Work w = new Work(C, dk, dv);
        float[] q = s.q(), k = s.k(), v = s.v(), beta = s.beta();
        float[] T = saved.t, UW = saved.uw, U = saved.u, KK = saved.kk, Ps = saved.p;
        float[] dUW = new float[C * n2], dVK = new float[C * n2], dK = new float[C * dk], dQ = new float[C * dk];
        float[] dA = new float[C * C], dB = new float[C * C], x = new float[C * dk];
        float[] dgam = new float[C], dSn = new float[area];
        for (int ci = chunks - 1; ci >= 0; ci--) {
            int c0 = ci * C, L = Math.min(C, P - c0), nq = L / nh, q0 = c0 / nh;
            int sq = ci * C * C, uwOff = ci * C * n2, uOff = ci * C * dv, sOff = ci * area;
            w.decay(s, c0, L);
            w.scaledInputs(s, c0, L);
            java.util.Arrays.fill(dgam, 0f);
            java.util.Arrays.fill(dK, 0f);
            // S_L = Γ_L S_0 + K̂ᵀ U, K̂ = K ⊙ e^{γ_L − γ}
            Blas.gemm(false, false, L, dv, dk, 1f, w.kh, 0, dk, dS, 0, dv, 0f, dUW, 0, n2);
            Blas.gemm(false, true, L, dk, dv, 1f, U, uOff, dv, dS, 0, dv, 0f, x, 0, dk);
            float gL = w.gam1[L - 1];
            float dgL = gated ? gL * Blas.dot(starts, sOff, dS, 0, area) : 0f;
            for (int t = 0; t < L; t++) {
                float e = w.tail[t];
                Blas.axpy(e, x, t * dk, dK, t * dk, dk);
                if (gated && t < L - 1) {
                    float en = Blas.dot(x, t * dk, w.kh, t * dk, dk);
                    dgL += en;
                    dgam[t] -= en;
                }
            }
            Blas.scaleTo(gL, dS, 0, dSn, 0, area);
            // O = (Γ ⊙ Q) S_0 + P U
            java.util.Arrays.fill(dQ, 0, nq * dk, 0f);
            if (nq > 0) {
                w.queryScales(s, c0, L);
                Blas.gemm(false, true, nq, dk, dv, 1f, dO, q0 * dv, dv, starts, sOff, dv, 0f, x, 0, dk);
                for (int r = 0; r < nq; r++) {
                    int qp = r * nh + nh - 1;
                    float G = w.gam1[qp];
                    Blas.axpy(G, x, r * dk, dQ, r * dk, dk);
                    if (gated) dgam[qp] += G * Blas.dot(x, r * dk, q, (q0 + r) * dk, dk);
                }
                Blas.gemm(true, false, dk, dv, nq, 1f, w.qg, 0, dk, dO, q0 * dv, dv, 1f, dSn, 0, dv);
                Blas.gemm(false, true, nq, L, dv, 1f, dO, q0 * dv, dv, U, uOff, dv, 0f, dB, 0, C);
                Blas.gemm(true, false, L, dv, nq, 1f, Ps, sq, C, dO, q0 * dv, dv, 1f, dUW, 0, n2);
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
                Blas.gemm(false, false, nq, dk, L, 1f, dB, 0, C, k, c0 * dk, dk, 1f, dQ, 0, dk);
                Blas.gemm(true, false, L, dk, nq, 1f, dB, 0, C, q, q0 * dk, dk, 1f, dK, 0, dk);
            }
            // U = Ũ − W S_0 with [Ũ | W] = T [β ⊙ V | βΓ ⊙ K]: dW = −dU S_0ᵀ, dS_0 −= Wᵀ dU, d[β ⊙ V | βΓ ⊙ K] = Tᵀ [dU | dW]
            Blas.gemm(false, true, L, dk, dv, -1f, dUW, 0, n2, starts, sOff, dv, 0f, dUW, dv, n2);
            Blas.gemm(true, false, dk, dv, L, -1f, UW, uwOff + dv, n2, dUW, 0, n2, 1f, dSn, 0, dv);
            Blas.gemm(true, false, L, n2, L, 1f, T, sq, C, dUW, 0, n2, 0f, dVK, 0, n2);
            for (int t = 0; t < L; t++) {
                int p = c0 + t, row = t * n2;
                float bt = beta[p], G = w.gam1[t];
                grad.beta()[p] += Blas.dot(dVK, row, v, p * dv, dv);
                Blas.axpy(bt, dVK, row, grad.v(), p * dv, dv);
                float xk = Blas.dot(dVK, row + dv, k, p * dk, dk);
                grad.beta()[p] += G * xk;
                if (gated) dgam[t] += bt * G * xk;
                Blas.axpy(bt * G, dVK, row + dv, dK, t * dk, dk);
            }
            // T = (I + A)^{-1}: dA = −Tᵀ dT Tᵀ = −(Tᵀ [dU | dW]) [Ũ | W]ᵀ on A's strictly lower support
            Blas.gemm(false, true, L, L, n2, -1f, dVK, 0, n2, UW, uwOff, n2, 0f, dA, 0, C);
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

    /** Scratch space for one chunk. */
    private static final class Work {
        final int C, dk, dv;
        /** γ (cumulative log decay), e^γ, e^{γ_L − γ}, and e^{γ_t − γ_u} for u <= t (row stride C). */
        final float[] gam, gam1, tail, m;
        final float[] a, vk, kh, qg;

        Work(int C, int dk, int dv) {
            this.C = C;
            this.dk = dk;
            this.dv = dv;
            gam = new float[C];
            gam1 = new float[C];
            tail = new float[C];
            m = new float[C * C];
            a = new float[C * C];
            vk = new float[C * (dv + dk)];
            kh = new float[C * dk];
            qg = new float[C * dk];
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

        /** [β ⊙ V | βΓ ⊙ K] and K ⊙ e^{γ_L − γ} for the chunk at c0. */
        void scaledInputs(DeltaOp.Seq s, int c0, int L) {
            float[] k = s.k(), v = s.v(), beta = s.beta();
            int n2 = dv + dk;
            for (int t = 0; t < L; t++) {
                int p = c0 + t;
                float bt = beta[p], bg = bt * gam1[t], e = tail[t];
                Blas.scaleTo(bt, v, p * dv, vk, t * n2, dv);
                Blas.scaleTo(bg, k, p * dk, vk, t * n2 + dv, dk);
                Blas.scaleTo(e, k, p * dk, kh, t * dk, dk);
            }
        }

        /** Γ ⊙ Q for the chunk's queries. */
        void queryScales(DeltaOp.Seq s, int c0, int L) {
            int nh = s.nh(), nq = L / nh, q0 = c0 / nh;
            for (int r = 0; r < nq; r++) {
                float G = gam1[r * nh + nh - 1];
                Blas.scaleTo(G, s.q(), (q0 + r) * dk, qg, r * dk, dk);
            }
        }

        /** Γ ⊙ Q, and the causal, decayed scores of the chunk's queries (nq × L, row stride C) into {@code p} at pOff. */
        void queryScores(DeltaOp.Seq s, int c0, int L, float[] p, int pOff) {
            int nh = s.nh(), nq = L / nh, q0 = c0 / nh;
            queryScales(s, c0, L);
            Blas.gemm(false, true, nq, L, dk, 1f, s.q(), q0 * dk, dk, s.k(), c0 * dk, dk, 0f, p, pOff, C);
            for (int r = 0; r < nq; r++) {
                int qp = r * nh + nh - 1;
                for (int u = 0; u < L; u++) p[pOff + r * C + u] = u <= qp ? p[pOff + r * C + u] * m[qp * C + u] : 0f;
            }
        }
    }
}
