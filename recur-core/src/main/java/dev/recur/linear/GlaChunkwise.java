package dev.recur.linear;

/**
 * The chunkwise-parallel form of gated linear attention (Yang et al. 2023, §4.2-4.3): the
 * sequence is cut into chunks of C steps; inside a chunk, with {@code γ_t = Σ_{s<=t} g_s} the
 * cumulative log decay since the chunk start,
 * <pre>
 *   O = (Q ⊙ e^γ) S_0 + P V,              P_ts = Σ_i q_ti k_si e^{γ_ti − γ_si}  (s <= t)
 *   S_C = diag(e^{γ_C}) S_0 + (K ⊙ e^{γ_C − γ})ᵀ V
 * </pre>
 * and the chunks pass the state on. P is computed by the paper's secondary chunking so that no
 * exponent is positive, however strong the decay: between sub-chunks (16 rows) as one GEMM of
 * {@code Q ⊙ e^{γ − γ_r}} and {@code K ⊙ e^{γ_r − γ}} about the last row r before the sub-chunk;
 * inside a sub-chunk from pairwise exponentials.
 *
 * <p>The backward pass recomputes each chunk from its recorded start state and runs in reverse
 * chunk order carrying dS. The gate gradient uses the identity
 * {@code ∂L/∂γ_t = q_t ⊙ dq_t − k_t ⊙ dk_t} (plus {@code rowsum(dS_C ⊙ S_C)} at the chunk's last
 * step), since γ enters only as e^{γ} on the query side and e^{−γ} on the key side; g is then the
 * reverse cumulative sum, formed without the terms that cancel exactly.
 */
final class GlaChunkwise {
    /** Rows per sub-chunk of the secondary chunking. */
    static final int SUB = 16;

    private GlaChunkwise() {}

    static void forward(GlaOp.Seq s, float[] S, float[] o, float[] starts, int chunk) {
        int dk = s.dk(), dv = s.dv(), area = dk * dv;
        Work w = new Work(chunk, dk, dv);
        float[] v = s.v();
        for (int c0 = 0, ci = 0; c0 < s.len(); c0 += chunk, ci++) {
            int L = Math.min(chunk, s.len() - c0);
            System.arraycopy(S, 0, starts, ci * area, area);
            w.prepare(s, c0, L);
            Blas.gemm(false, false, L, dv, dk, 1f, w.qg, 0, dk, S, 0, dv, 0f, o, c0 * dv, dv);
            for (int a = 0; a < L; a += SUB) {
                int b = Math.min(a + SUB, L);
                w.blockFactors(s, c0, a, b);
                w.scores(s, c0, a, b);
                Blas.gemm(false, false, b - a, dv, b, 1f, w.A, a * chunk, chunk, v, c0 * dv, dv, 1f, o, (c0 + a) * dv, dv);
            }
            for (int i = 0; i < dk; i++) Blas.scale(w.eg[(L - 1) * dk + i], S, i * dv, dv);
            Blas.gemm(true, false, dk, dv, L, 1f, w.kg, 0, dk, v, c0 * dv, dv, 1f, S, 0, dv);
        }
    }

    /**
     * Adds the gradients into {@code grad}; {@code dS} holds the final state's gradient on entry and
     * the initial state's on return. {@code last} is the final state.
     */
    static void backward(GlaOp.Seq s, float[] dO, float[] dS, float[] starts, int chunk, GlaOp.Seq grad) {
        int dk = s.dk(), dv = s.dv(), area = dk * dv, C = chunk;
        Work w = new Work(chunk, dk, dv);
        float[] q = s.q(), k = s.k(), v = s.v(), dvOut = grad.v();
        float[] dq = new float[C * dk], dkc = new float[C * dk], dkf = new float[C * dk], dgL = new float[dk], diag = new float[C];
        int chunks = (s.len() + chunk - 1) / chunk;
        for (int ci = chunks - 1; ci >= 0; ci--) {
            int c0 = ci * chunk, L = Math.min(chunk, s.len() - c0);
            w.prepare(s, c0, L);
            for (int i = 0; i < dk; i++) dgL[i] = w.eg[(L - 1) * dk + i] * Blas.dot(dS, i * dv, starts, ci * area + i * dv, dv);
            // Inter-chunk terms: O ∋ (Q ⊙ e^γ) S_0 and S_C ∋ (K ⊙ e^{γ_C − γ})ᵀ V.
            Blas.gemm(false, true, L, dk, dv, 1f, dO, c0 * dv, dv, starts, ci * area, dv, 0f, dq, 0, dk);
            for (int x = 0; x < L * dk; x++) dq[x] *= w.eg[x];
            Blas.gemm(false, true, L, dk, dv, 1f, v, c0 * dv, dv, dS, 0, dv, 0f, dkf, 0, dk);
            for (int x = 0; x < L * dk; x++) {
                dkf[x] *= w.ekg[x];
                dkc[x] = 0f;
            }
            Blas.gemm(false, false, L, dv, dk, 1f, w.kg, 0, dk, dS, 0, dv, 1f, dvOut, c0 * dv, dv);
            // Intra-chunk terms, sub-chunk by sub-chunk.
            for (int a = 0; a < L; a += SUB) {
                int b = Math.min(a + SUB, L), n = b - a;
                w.blockFactors(s, c0, a, b);
                w.scores(s, c0, a, b);
                Blas.gemm(false, true, n, b, dv, 1f, dO, (c0 + a) * dv, dv, v, c0 * dv, dv, 0f, w.dA, 0, C);
                Blas.gemm(true, false, b, dv, n, 1f, w.A, a * C, C, dO, (c0 + a) * dv, dv, 1f, dvOut, c0 * dv, dv);
                if (a > 0) {
                    Blas.gemm(false, false, n, dk, a, 1f, w.dA, 0, C, w.kr, 0, dk, 0f, w.tq, 0, dk);
                    for (int x = 0; x < n * dk; x++) dq[a * dk + x] += w.tq[x] * w.qrE[x];
                    Blas.gemm(true, false, a, dk, n, 1f, w.dA, 0, C, w.qr, 0, dk, 0f, w.tk, 0, dk);
                    for (int x = 0; x < a * dk; x++) dkc[x] += w.tk[x] * w.krE[x];
                }
                for (int t = a, idx = 0; t < b; t++, idx++) {
                    diag[t] = w.dA[(t - a) * C + t];
                    for (int u = a; u < t; u++, idx++) {
                        float d = w.dA[(t - a) * C + u];
                        int pe = idx * dk, qt = (c0 + t) * dk, ku = (c0 + u) * dk;
                        for (int i = 0; i < dk; i++) {
                            float e = d * w.pe[pe + i];
                            dq[t * dk + i] += e * k[ku + i];
                            dkc[u * dk + i] += e * q[qt + i];
                        }
                    }
                }
            }
            // dS_0 = diag(e^{γ_C}) dS_C + (Q ⊙ e^γ)ᵀ dO
            for (int i = 0; i < dk; i++) Blas.scale(w.eg[(L - 1) * dk + i], dS, i * dv, dv);
            Blas.gemm(true, false, dk, dv, L, 1f, w.qg, 0, dk, dO, c0 * dv, dv, 1f, dS, 0, dv);
            // dg_t = Σ_{t' >= t} ∂L/∂γ_t', with ∂L/∂γ_t = q_t ⊙ dq_t − k_t ⊙ dk_t (+ rowsum(dS_C ⊙ S_C) at
            // the last step). Terms that cancel exactly are never formed, since under strong decay they
            // would swamp the result: the diagonal pairs (t, t) carry no decay, and the final-state
            // term's sum over t' >= t is the forward sum e^{γ_C} rowsum(dS_C ⊙ S_0) + Σ_{u<t} k_u ⊙ dkf_u.
            float[] dqOut = grad.q(), dkOut = grad.k(), dg = grad.g();
            for (int i = 0; i < dk; i++) {
                float acc = 0f, fin = dgL[i];
                for (int t = L - 1; t >= 0; t--) {
                    int x = t * dk + i, gx = (c0 + t) * dk + i;
                    acc += q[gx] * dq[x] - k[gx] * dkc[x];
                    dg[gx] += acc;
                    dqOut[gx] += dq[x] + diag[t] * k[gx];
                    dkOut[gx] += dkc[x] + dkf[x] + diag[t] * q[gx];
                }
                for (int t = 0; t < L; t++) {
                    int x = t * dk + i, gx = (c0 + t) * dk + i;
                    dg[gx] += fin;
                    fin += k[gx] * dkf[x];
                }
            }
        }
    }

    /** Scratch space for one chunk (allocated once per sequence). */
    private static final class Work {
        final int C, dk;
        final float[] gam, eg, ekg, qg, kg, A, dA, qrE, qr, krE, kr, pe, tq, tk;

        Work(int C, int dk, int dv) {
            this.C = C;
            this.dk = dk;
            gam = new float[C * dk];
            eg = new float[C * dk];
            ekg = new float[C * dk];
            qg = new float[C * dk];
            kg = new float[C * dk];
            A = new float[C * C];
            dA = new float[SUB * C];
            qrE = new float[SUB * dk];
            qr = new float[SUB * dk];
            krE = new float[C * dk];
            kr = new float[C * dk];
            pe = new float[SUB * (SUB + 1) / 2 * dk];
            tq = new float[SUB * dk];
            tk = new float[C * dk];
        }

        /** γ (cumulative log decay), e^γ, e^{γ_L − γ}, Q ⊙ e^γ and K ⊙ e^{γ_L − γ} for the chunk at c0. */
        void prepare(GlaOp.Seq s, int c0, int L) {
            float[] g = s.g(), q = s.q(), k = s.k();
            for (int t = 0; t < L; t++) {
                for (int i = 0; i < dk; i++) {
                    int x = t * dk + i;
                    gam[x] = g[c0 * dk + x] + (t > 0 ? gam[x - dk] : 0f);
                }
            }
            int n = L * dk, lastRow = (L - 1) * dk;
            System.arraycopy(gam, 0, eg, 0, n);
            Blas.expInPlace(eg, 0, n);
            for (int t = 0; t < L; t++) for (int i = 0; i < dk; i++) ekg[t * dk + i] = gam[lastRow + i] - gam[t * dk + i];
            Blas.expInPlace(ekg, 0, n);
            for (int x = 0; x < n; x++) {
                qg[x] = q[c0 * dk + x] * eg[x];
                kg[x] = k[c0 * dk + x] * ekg[x];
            }
        }

        /**
         * For the sub-chunk of rows [a, b): e^{γ_t − γ_r} and Q rows scaled by it, e^{γ_r − γ_u} for
         * u < a and K rows scaled by it (r = a − 1), and the pairwise e^{γ_t − γ_u} for a <= u <= t < b.
         */
        void blockFactors(GlaOp.Seq s, int c0, int a, int b) {
            float[] q = s.q(), k = s.k();
            if (a > 0) {
                int r = (a - 1) * dk;
                for (int t = a; t < b; t++) for (int i = 0; i < dk; i++) qrE[(t - a) * dk + i] = gam[t * dk + i] - gam[r + i];
                Blas.expInPlace(qrE, 0, (b - a) * dk);
                for (int x = 0; x < (b - a) * dk; x++) qr[x] = q[(c0 + a) * dk + x] * qrE[x];
                for (int u = 0; u < a; u++) for (int i = 0; i < dk; i++) krE[u * dk + i] = gam[r + i] - gam[u * dk + i];
                Blas.expInPlace(krE, 0, a * dk);
                for (int x = 0; x < a * dk; x++) kr[x] = k[c0 * dk + x] * krE[x];
            }
            int idx = 0;
            for (int t = a; t < b; t++) {
                for (int u = a; u <= t; u++, idx++) {
                    for (int i = 0; i < dk; i++) pe[idx * dk + i] = gam[t * dk + i] - gam[u * dk + i];
                }
            }
            Blas.expInPlace(pe, 0, idx * dk);
        }

        /** Rows [a, b) of P (columns [0, b), zero above the diagonal), from {@link #blockFactors}. */
        void scores(GlaOp.Seq s, int c0, int a, int b) {
            float[] q = s.q(), k = s.k();
            if (a > 0) Blas.gemm(false, true, b - a, a, dk, 1f, qr, 0, dk, kr, 0, dk, 0f, A, a * C, C);
            int idx = 0;
            for (int t = a; t < b; t++) {
                for (int u = a; u <= t; u++, idx++) {
                    float sum = 0f;
                    int qt = (c0 + t) * dk, ku = (c0 + u) * dk, pOff = idx * dk;
                    for (int i = 0; i < dk; i++) sum += q[qt + i] * k[ku + i] * pe[pOff + i];
                    A[t * C + u] = sum;
                }
                for (int u = t + 1; u < b; u++) A[t * C + u] = 0f;
            }
        }
    }
}
