package dev.recur.linear;

/**
 * The chunkwise-parallel form of the mLSTM (Beck et al. 2024, xLSTM, the parallel form of
 * Appendix B.3 restricted to a chunk, with the state passed between chunks as in the recurrent
 * form). Inside a chunk of L steps from the stabilised memory Ĉ_0 with stabiliser m_0, with
 * {@code b_t = Σ_{s<=t} log f_s} and {@code D_ts = b_t − b_s + ĩ_s} (s <= t):
 * <pre>
 *   m_t       = max(b_t + m_0, max_{s<=t} D_ts)          (the recurrence's stabiliser, unrolled)
 *   [num, d]  = (e^{b + m_0 − m} ⊙ Q) Ĉ_0 + (Q Kᵀ ⊙ e^{D − m}, causal) [V, 1]
 *   Ĉ_L       = e^{b_L + m_0 − m_L} Ĉ_0 + (K ⊙ e^{D_L − m_L})ᵀ [V, 1]
 * </pre>
 * with h̃ = num / max(|d|, e^{−m}) as in {@link MlstmRecurrence}. Every exponent is <= 0. The
 * backward pass runs the chunks in reverse carrying the memory's adjoint λ on the state's scale;
 * the log-forget gradient uses {@code ∂L/∂b_t = q_t·dq_t − k_t·dk_t} (b enters as e^{b} on the
 * query side and e^{−b} on the key side), formed without the terms that cancel exactly.
 */
final class MlstmChunkwise {
    private MlstmChunkwise() {}

    static void forward(MlstmOp.Seq s, float[] Ca, MlstmOp.Trace tr, int C) {
        int dk = s.dk(), dv = s.dv(), dv1 = dv + 1, area = dk * dv1;
        Work w = new Work(C, dk, dv1);
        float[] va = s.valuesWithOne(), q = s.q(), k = s.k();
        float[] num = new float[C * dv1];
        float m0 = tr.m0();
        for (int c0 = 0, ci = 0; c0 < s.len(); c0 += C, ci++) {
            int L = Math.min(C, s.len() - c0);
            System.arraycopy(Ca, 0, tr.starts(), ci * area, area);
            w.gates(s, c0, L, m0, tr.m());
            w.scores(s, c0, L, m0, tr.m());
            Blas.gemm(false, false, L, dv1, dk, 1f, w.qs, 0, dk, Ca, 0, dv1, 0f, num, 0, dv1);
            Blas.gemm(false, false, L, dv1, L, 1f, w.p, 0, C, va, c0 * dv1, dv1, 1f, num, 0, dv1);
            for (int t = 0; t < L; t++) tr.record(c0 + t, tr.m()[c0 + t], rowOf(num, t, dv1, w.row), dv);
            float mL = tr.m()[c0 + L - 1];
            Blas.scale((float) Math.exp(w.b[L - 1] + m0 - mL), Ca, 0, area);
            Blas.gemm(true, false, dk, dv1, L, 1f, w.ks, 0, dk, va, c0 * dv1, dv1, 1f, Ca, 0, dv1);
            m0 = mL;
        }
    }

    /**
     * Adds the gradients into {@code grad}; {@code lam} holds the final memory's adjoint on entry and
     * the initial memory's on return.
     */
    static void backward(MlstmOp.Seq s, float[] dh, float[] lam, MlstmOp.Trace tr, int C, MlstmOp.Seq grad) {
        int dk = s.dk(), dv = s.dv(), dv1 = dv + 1, area = dk * dv1;
        Work w = new Work(C, dk, dv1);
        float[] va = s.valuesWithOne(), q = s.q(), k = s.k();
        float[] dnum = new float[C * dv1], dq = new float[C * dk], dkc = new float[C * dk], dkf = new float[C * dk];
        float[] dP = new float[C * C], dva = new float[C * dv1], diag = new float[C], db = new float[C];
        int chunks = (s.len() + C - 1) / C;
        for (int ci = chunks - 1; ci >= 0; ci--) {
            int c0 = ci * C, L = Math.min(C, s.len() - c0);
            float m0 = c0 > 0 ? tr.m()[c0 - 1] : tr.m0(), mL = tr.m()[c0 + L - 1];
            int sOff = ci * area;
            w.gates(s, c0, L, m0, null);
            w.scores(s, c0, L, m0, tr.m());
            for (int t = 0; t < L; t++) {
                tr.outputAdjoint(c0 + t, dh, dv, w.row);
                System.arraycopy(w.row, 0, dnum, t * dv1, dv1);
            }
            // Inter-chunk: [num, d] ∋ (e^{b + m_0 − m} ⊙ Q) Ĉ_0.
            Blas.gemm(false, true, L, dk, dv1, 1f, dnum, 0, dv1, tr.starts(), sOff, dv1, 0f, dq, 0, dk);
            for (int t = 0; t < L; t++) Blas.scale(w.qsc[t], dq, t * dk, dk);
            // Intra-chunk: P = Q Kᵀ ⊙ e^{D − m}; dP = dnum [V, 1]ᵀ.
            Blas.gemm(false, true, L, L, dv1, 1f, dnum, 0, dv1, va, c0 * dv1, dv1, 0f, dP, 0, C);
            for (int t = 0; t < L; t++) {
                for (int u = 0; u < L; u++) dP[t * C + u] = u <= t ? dP[t * C + u] * w.e[t * C + u] : 0f;
                diag[t] = dP[t * C + t];
                dP[t * C + t] = 0f;
            }
            Blas.gemm(false, false, L, dk, L, 1f, dP, 0, C, k, c0 * dk, dk, 1f, dq, 0, dk);
            Blas.gemm(true, false, L, dk, L, 1f, dP, 0, C, q, c0 * dk, dk, 0f, dkc, 0, dk);
            Blas.gemm(true, false, L, dv1, L, 1f, w.p, 0, C, dnum, 0, dv1, 0f, dva, 0, dv1);
            // Final state: Ĉ_L ∋ (K ⊙ e^{D_L − m_L})ᵀ [V, 1].
            Blas.gemm(false, true, L, dk, dv1, 1f, va, c0 * dv1, dv1, lam, 0, dv1, 0f, dkf, 0, dk);
            for (int t = 0; t < L; t++) Blas.scale(w.ksc[t], dkf, t * dk, dk);
            Blas.gemm(false, false, L, dv1, dk, 1f, w.ks, 0, dk, lam, 0, dv1, 1f, dva, 0, dv1);
            // ∂L/∂b_t = q_t·dq_t − k_t·dk_t (+ ⟨λ, Ĉ_L⟩ at the last step); dlog f = reverse cumsum. The
            // diagonal pairs and the final-state term's cancelling parts are left out (see GlaChunkwise).
            float fin = (float) Math.exp(w.b[L - 1] + m0 - mL) * Blas.dot(lam, 0, tr.starts(), sOff, area);
            for (int t = 0; t < L; t++) {
                int x = c0 + t;
                db[t] = Blas.dot(q, x * dk, dq, t * dk, dk) - Blas.dot(k, x * dk, dkc, t * dk, dk);
                grad.lf()[x] += fin;
                fin += Blas.dot(k, x * dk, dkf, t * dk, dk);
            }
            float acc = 0f;
            for (int t = L - 1; t >= 0; t--) {
                int x = c0 + t;
                acc += db[t];
                grad.lf()[x] += acc;
                for (int i = 0; i < dk; i++) {
                    grad.q()[x * dk + i] += dq[t * dk + i] + diag[t] * k[x * dk + i];
                    grad.k()[x * dk + i] += dkc[t * dk + i] + dkf[t * dk + i] + diag[t] * q[x * dk + i];
                }
                for (int j = 0; j < dv; j++) grad.v()[x * dv + j] += dva[t * dv1 + j];
                grad.ig()[x] += Blas.dot(dva, t * dv1, va, x * dv1, dv1);
            }
            // λ_0 = e^{b_L + m_0 − m_L} λ_L + (e^{b + m_0 − m} ⊙ Q)ᵀ dnum
            Blas.scale((float) Math.exp(w.b[L - 1] + m0 - mL), lam, 0, area);
            Blas.gemm(true, false, dk, dv1, L, 1f, w.qs, 0, dk, dnum, 0, dv1, 1f, lam, 0, dv1);
        }
    }

    private static float[] rowOf(float[] a, int t, int n, float[] row) {
        System.arraycopy(a, t * n, row, 0, n);
        return row;
    }

    /** Scratch space for one chunk. */
    private static final class Work {
        final int C, dk;
        /** b (cumulative log forget), e^{b + m_0 − m}, e^{D_L − m_L}; e^{D − m} (C × C), P, and the scaled Q and K. */
        final float[] b, qsc, ksc, e, p, qs, ks, row;

        Work(int C, int dk, int dv1) {
            this.C = C;
            this.dk = dk;
            b = new float[C];
            qsc = new float[C];
            ksc = new float[C];
            e = new float[C * C];
            p = new float[C * C];
            qs = new float[C * dk];
            ks = new float[C * dk];
            row = new float[dv1];
        }

        /** b of the chunk at c0, and its stabilisers m_t into {@code mOut} unless that is null. */
        void gates(MlstmOp.Seq s, int c0, int L, float m0, float[] mOut) {
            float[] lf = s.lf(), ig = s.ig();
            float acc = 0f, run = Float.NEGATIVE_INFINITY;
            for (int t = 0; t < L; t++) {
                acc += lf[c0 + t];
                b[t] = acc;
                run = Math.max(run, ig[c0 + t] - acc);
                if (mOut != null) mOut[c0 + t] = acc + Math.max(m0, run);
            }
        }

        /** e^{D − m}, P = Q Kᵀ ⊙ e^{D − m} (causal), e^{b + m_0 − m} ⊙ Q and e^{D_L − m_L} ⊙ K, given the stabilisers. */
        void scores(MlstmOp.Seq s, int c0, int L, float m0, float[] m) {
            float[] q = s.q(), k = s.k(), ig = s.ig();
            for (int t = 0; t < L; t++) {
                float mt = m[c0 + t];
                qsc[t] = (float) Math.exp(b[t] + m0 - mt);
                for (int i = 0; i < dk; i++) qs[t * dk + i] = qsc[t] * q[(c0 + t) * dk + i];
                for (int u = 0; u <= t; u++) e[t * C + u] = b[t] - b[u] + ig[c0 + u] - mt;
                Blas.expInPlace(e, t * C, t + 1);
            }
            Blas.gemm(false, true, L, L, dk, 1f, q, c0 * dk, dk, k, c0 * dk, dk, 0f, p, 0, C);
            for (int t = 0; t < L; t++) for (int u = 0; u < L; u++) p[t * C + u] = u <= t ? p[t * C + u] * e[t * C + u] : 0f;
            float mL = m[c0 + L - 1];
            for (int u = 0; u < L; u++) {
                ksc[u] = (float) Math.exp(b[L - 1] - b[u] + ig[c0 + u] - mL);
                for (int i = 0; i < dk; i++) ks[u * dk + i] = ksc[u] * k[(c0 + u) * dk + i];
            }
        }
    }
}
