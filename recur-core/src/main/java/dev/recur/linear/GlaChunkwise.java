package dev.recur.linear;

/**
 * The chunkwise-parallel form of gated linear attention (Yang et al. 2023, §4.2-4.3): the
 * sequence is cut into chunks of C steps; inside a chunk, with {@code γ_t = Σ_{s<=t} g_s} the
 * cumulative log decay since the chunk start,
 * <pre>
 *   O = (Q ⊙ e^γ) S_0 + P V,              P_tu = Σ_i q_ti k_ui e^{γ_ti − γ_ui}  (u <= t)
 *   S_C = diag(e^{γ_C}) S_0 + (K ⊙ e^{γ_C − γ})ᵀ V
 * </pre>
 * and the chunks pass the state on. P is computed by the paper's secondary chunking, in row blocks
 * [a, b): rows of Q scaled by {@code e^{γ_t − γ_a}} (<= 1) times columns of K scaled by
 * {@code e^{γ_a − γ_u}}, one GEMM per block. Columns before the block have factors <= 1; those
 * inside it at most {@code e^{RANGE}}, because blocks are cut where the decay within them would
 * exceed RANGE. Weak decays give one block per chunk; a decay stronger than RANGE in one step
 * gives blocks of one row. No factor can overflow, however strong the decay. A block that starts
 * the chunk (the whole chunk, under weak decay) is lower triangular: its scores, P V and the
 * backward's four products with P or dP run on {@link TriGemm}, which skips the zero blocks above
 * the diagonal (about a fifth of the chunk's multiply-adds at chunk 64; the core ran 11-14 % faster).
 *
 * <p>The backward pass recomputes each chunk from its recorded start state and runs in reverse
 * chunk order carrying dS. The gate gradient uses the identity
 * {@code ∂L/∂γ_t = q_t ⊙ dq_t − k_t ⊙ dk_t} (plus {@code rowsum(dS_C ⊙ S_C)} at the chunk's last
 * step), since γ enters only as e^{γ} on the query side and e^{−γ} on the key side; g is then the
 * reverse cumulative sum, formed without the terms that cancel exactly.
 */
final class GlaChunkwise {
    /** The largest decay (in log space) inside one row block: factors stay within e^{±RANGE}. */
    static final float RANGE = 40f;

    private GlaChunkwise() {}

    static void forward(GlaOp.Seq s, float[] S, float[] o, float[] starts, int chunk) {
        int dk = s.dk(), dv = s.dv(), area = dk * dv;
        Work w = new Work(chunk, dk);
        float[] v = s.v();
        for (int c0 = 0, ci = 0; c0 < s.len(); c0 += chunk, ci++) {
            int L = Math.min(chunk, s.len() - c0);
            System.arraycopy(S, 0, starts, ci * area, area);
            w.prepare(s, c0, L);
            Blas.gemm(false, false, L, dv, dk, 1f, w.qg, 0, dk, S, 0, dv, 0f, o, c0 * dv, dv);
            for (int a = 0, b; a < L; a = b) {
                b = w.blockEnd(a, L);
                w.scores(s, c0, a, b);
                if (a == 0) {
                    TriGemm.lowerA(false, false, b, dv, b, 1, 1f, w.A, 0, chunk, v, c0 * dv, dv, 1f, o, c0 * dv, dv);
                } else {
                    Blas.gemm(false, false, b - a, dv, b, 1f, w.A, 0, chunk, v, c0 * dv, dv, 1f, o, (c0 + a) * dv, dv);
                }
            }
            for (int i = 0; i < dk; i++) Blas.scale(w.eg[(L - 1) * dk + i], S, i * dv, dv);
            Blas.gemm(true, false, dk, dv, L, 1f, w.kg, 0, dk, v, c0 * dv, dv, 1f, S, 0, dv);
        }
    }

    /**
     * Adds the gradients into {@code grad}; {@code dS} holds the final state's gradient on entry and
     * the initial state's on return.
     */
    static void backward(GlaOp.Seq s, float[] dO, float[] dS, float[] starts, int chunk, GlaOp.Seq grad) {
        int dk = s.dk(), dv = s.dv(), area = dk * dv, C = chunk;
        Work w = new Work(chunk, dk);
        float[] q = s.q(), k = s.k(), v = s.v(), dvOut = grad.v();
        float[] dq = new float[C * dk], dkc = new float[C * dk], dkf = new float[C * dk], dgL = new float[dk], acc = new float[dk];
        float[] diag = new float[C];
        float[] dA = new float[C * C], tq = new float[C * dk], tk = new float[C * dk], kdk = new float[C * dk];
        int chunks = (s.len() + chunk - 1) / chunk;
        for (int ci = chunks - 1; ci >= 0; ci--) {
            int c0 = ci * chunk, L = Math.min(chunk, s.len() - c0);
            w.prepare(s, c0, L);
            for (int i = 0; i < dk; i++) dgL[i] = w.eg[(L - 1) * dk + i] * Blas.dot(dS, i * dv, starts, ci * area + i * dv, dv);
            // Inter-chunk terms: O ∋ (Q ⊙ e^γ) S_0 and S_C ∋ (K ⊙ e^{γ_C − γ})ᵀ V.
            Blas.gemm(false, true, L, dk, dv, 1f, dO, c0 * dv, dv, starts, ci * area, dv, 0f, dq, 0, dk);
            Blas.mul(dq, 0, w.eg, 0, dq, 0, L * dk);
            Blas.gemm(false, true, L, dk, dv, 1f, v, c0 * dv, dv, dS, 0, dv, 0f, dkf, 0, dk);
            Blas.mul(dkf, 0, w.ekg, 0, dkf, 0, L * dk);
            java.util.Arrays.fill(dkc, 0, L * dk, 0f);
            Blas.gemm(false, false, L, dv, dk, 1f, w.kg, 0, dk, dS, 0, dv, 1f, dvOut, c0 * dv, dv);
            // Intra-chunk terms, row block by row block; the diagonal of dP is set apart (see below).
            for (int a = 0, b; a < L; a = b) {
                b = w.blockEnd(a, L);
                int n = b - a;
                w.scores(s, c0, a, b);
                if (a == 0) {
                    TriGemm.lowerC(false, true, n, b, dv, 1, 1f, dO, c0 * dv, dv, v, c0 * dv, dv, 0f, dA, 0, C);
                    TriGemm.upperA(true, false, b, dv, n, 1, 1f, w.A, 0, C, dO, c0 * dv, dv, 1f, dvOut, c0 * dv, dv);
                } else {
                    Blas.gemm(false, true, n, b, dv, 1f, dO, (c0 + a) * dv, dv, v, c0 * dv, dv, 0f, dA, 0, C);
                    Blas.gemm(true, false, b, dv, n, 1f, w.A, 0, C, dO, (c0 + a) * dv, dv, 1f, dvOut, c0 * dv, dv);
                }
                for (int t = a; t < b; t++) {
                    int row = (t - a) * C;
                    diag[t] = dA[row + t];
                    java.util.Arrays.fill(dA, row + t, row + b, 0f);
                }
                if (a == 0) {
                    TriGemm.lowerA(false, false, n, dk, b, 1, 1f, dA, 0, C, w.kr, 0, dk, 0f, tq, 0, dk);
                } else {
                    Blas.gemm(false, false, n, dk, b, 1f, dA, 0, C, w.kr, 0, dk, 0f, tq, 0, dk);
                }
                Blas.mulAdd(tq, 0, w.qrE, 0, dq, a * dk, n * dk);
                if (a == 0) {
                    TriGemm.upperA(true, false, b, dk, n, 1, 1f, dA, 0, C, w.qr, 0, dk, 0f, tk, 0, dk);
                } else {
                    Blas.gemm(true, false, b, dk, n, 1f, dA, 0, C, w.qr, 0, dk, 0f, tk, 0, dk);
                }
                Blas.mulAdd(tk, 0, w.krE, 0, dkc, 0, b * dk);
            }
            // dS_0 = diag(e^{γ_C}) dS_C + (Q ⊙ e^γ)ᵀ dO
            for (int i = 0; i < dk; i++) Blas.scale(w.eg[(L - 1) * dk + i], dS, i * dv, dv);
            Blas.gemm(true, false, dk, dv, L, 1f, w.qg, 0, dk, dO, c0 * dv, dv, 1f, dS, 0, dv);
            // dg_t = Σ_{t' >= t} ∂L/∂γ_t', with ∂L/∂γ_t = q_t ⊙ dq_t − k_t ⊙ dk_t (+ rowsum(dS_C ⊙ S_C) at
            // the last step). Terms that cancel exactly are never formed, since under strong decay they
            // would swamp the result: the diagonal pairs (t, t) carry no decay, and the final-state
            // term's sum over t' >= t is the forward sum e^{γ_C} rowsum(dS_C ⊙ S_0) + Σ_{u<t} k_u ⊙ dkf_u.
            float[] dqOut = grad.q(), dkOut = grad.k(), dg = grad.g();
            java.util.Arrays.fill(acc, 0f);
            // Row by row on the backend's kernels (C2 leaves these offset loops scalar).
            Blas.mul(k, c0 * dk, dkc, 0, kdk, 0, L * dk);
            for (int t = L - 1; t >= 0; t--) {
                int x = t * dk, gx = (c0 + t) * dk;
                float d = diag[t];
                Blas.mulAdd(q, gx, dq, x, acc, 0, dk);
                Blas.axpy(-1f, kdk, x, acc, 0, dk);
                Blas.axpy(1f, acc, 0, dg, gx, dk);
                Blas.axpy(1f, dq, x, dqOut, gx, dk);
                Blas.axpy(d, k, gx, dqOut, gx, dk);
                Blas.axpy(1f, dkc, x, dkOut, gx, dk);
                Blas.axpy(1f, dkf, x, dkOut, gx, dk);
                Blas.axpy(d, q, gx, dkOut, gx, dk);
            }
            for (int t = 0; t < L; t++) {
                int x = t * dk, gx = (c0 + t) * dk;
                Blas.axpy(1f, dgL, 0, dg, gx, dk);
                Blas.mulAdd(k, gx, dkf, x, dgL, 0, dk);
            }
        }
    }

    /** Scratch space for one chunk (allocated once per sequence). */
    private static final class Work {
        final int C, dk;
        /** γ, e^γ, e^{γ_L − γ}, Q ⊙ e^γ, K ⊙ e^{γ_L − γ} (L × dk); a row block's factors and scaled rows; its scores. */
        final float[] gam, eg, ekg, qg, kg, qrE, qr, krE, kr, A;
        /** e^{γ_0} and e^{γ_L − γ_0} of the chunk (dk each), when it is one row block. */
        final float[] e0, eL;
        /** Whether the chunk prepared last is one row block, whose factors prepare formed. */
        boolean whole;

        Work(int C, int dk) {
            this.C = C;
            this.dk = dk;
            gam = new float[C * dk];
            eg = new float[C * dk];
            ekg = new float[C * dk];
            qg = new float[C * dk];
            kg = new float[C * dk];
            qrE = new float[C * dk];
            qr = new float[C * dk];
            krE = new float[C * dk];
            kr = new float[C * dk];
            A = new float[C * C];
            e0 = new float[dk];
            eL = new float[dk];
        }

        void prepare(GlaOp.Seq s, int c0, int L) {
            float[] g = s.g(), q = s.q(), k = s.k();
            int n = L * dk, lastRow = (L - 1) * dk;
            System.arraycopy(g, c0 * dk, gam, 0, n);
            for (int t = 1; t < L; t++) Blas.axpy(1f, gam, (t - 1) * dk, gam, t * dk, dk); // γ_t = g_t + γ_{t-1}
            whole = range(0, L - 1) <= RANGE;
            if (whole) {
                // One row block (the common case): form its factors e^{γ_t − γ_0} and e^{γ_0 − γ_u} here
                // and get e^γ = e^{γ_0} e^{γ_t − γ_0} and e^{γ_L − γ} = e^{γ_L − γ_0} e^{γ_0 − γ_u} from them:
                // two exponentials per element instead of four (a rounding more; no overflow, since
                // e^{γ_0 − γ_u} <= e^{RANGE} and e^{γ_L − γ_0} >= e^{−RANGE}).
                blockFactors(0, L);
                for (int i = 0; i < dk; i++) {
                    e0[i] = gam[i];
                    eL[i] = gam[lastRow + i] - gam[i];
                }
                Blas.expInPlace(e0, 0, dk);
                Blas.expInPlace(eL, 0, dk);
                for (int t = 0; t < L; t++) {
                    Blas.mul(e0, 0, qrE, t * dk, eg, t * dk, dk);
                    Blas.mul(eL, 0, krE, t * dk, ekg, t * dk, dk);
                }
            } else {
                System.arraycopy(gam, 0, eg, 0, n);
                Blas.expInPlace(eg, 0, n);
                for (int t = 0; t < L; t++) Blas.sub(gam, lastRow, gam, t * dk, ekg, t * dk, dk);
                Blas.expInPlace(ekg, 0, n);
            }
            Blas.mul(q, c0 * dk, eg, 0, qg, 0, n);
            Blas.mul(k, c0 * dk, ekg, 0, kg, 0, n);
        }

        /** The row block [a, b)'s factors: e^{γ_t − γ_a} for t in [a, b) and e^{γ_a − γ_u} for u < b. */
        private void blockFactors(int a, int b) {
            int n = b - a;
            for (int t = a; t < b; t++) Blas.sub(gam, t * dk, gam, a * dk, qrE, (t - a) * dk, dk);
            Blas.expInPlace(qrE, 0, n * dk);
            for (int u = 0; u < b; u++) Blas.sub(gam, a * dk, gam, u * dk, krE, u * dk, dk);
            Blas.expInPlace(krE, 0, b * dk);
        }

        /** The end of the row block starting at a: as far as the decay within it stays <= RANGE. */
        int blockEnd(int a, int L) {
            if (range(a, L - 1) <= RANGE) return L;
            int b = a + 1;
            while (b < L && range(a, b) <= RANGE) b++;
            return b;
        }

        /** The largest decay over features from step a to step b of the chunk, {@code max_i (γ_ai − γ_bi)}. */
        private float range(int a, int b) {
            float r = 0f;
            for (int i = 0; i < dk; i++) r = Math.max(r, gam[a * dk + i] - gam[b * dk + i]);
            return r;
        }

        /**
         * Rows [a, b) of P over columns [0, b) into A (row stride C, zero above the diagonal), with the
         * factors e^{γ_t − γ_a}, e^{γ_a − γ_u} and the scaled rows they came from.
         */
        void scores(GlaOp.Seq s, int c0, int a, int b) {
            float[] q = s.q(), k = s.k();
            int n = b - a;
            if (!(whole && a == 0)) blockFactors(a, b); // else prepare formed them
            Blas.mul(q, (c0 + a) * dk, qrE, 0, qr, 0, n * dk);
            Blas.mul(k, c0 * dk, krE, 0, kr, 0, b * dk);
            if (a == 0) {
                TriGemm.lowerC(false, true, n, b, dk, 1, 1f, qr, 0, dk, kr, 0, dk, 0f, A, 0, C);
            } else {
                Blas.gemm(false, true, n, b, dk, 1f, qr, 0, dk, kr, 0, dk, 0f, A, 0, C);
            }
            for (int t = a; t < b; t++) java.util.Arrays.fill(A, (t - a) * C + t + 1, (t - a) * C + b, 0f);
        }
    }
}
