package dev.recur.linear;

/**
 * Float64 references of the linear-attention cores, written step by step from the papers'
 * recurrences, on the same flattened time-major layouts as the float32 ops:
 * per-token tensors {@code (T, B, H, width)}, states {@code (B, H, dk, dv)}. Steps at or past a
 * sequence's length produce zero outputs and leave its state alone.
 */
final class CoreReference {
    private CoreReference() {}

    static int len(int[] lengths, int b, int T) {
        return lengths == null ? T : lengths[b];
    }

    /** GLA: S_t = diag(exp g_t) S_{t−1} + k_t v_tᵀ, o_t = S_tᵀ q_t. Returns {o, S_T}. */
    static double[][] gla(double[] q, double[] k, double[] v, double[] g, double[] s0,
                          int T, int B, int H, int dk, int dv, int[] lengths) {
        double[] o = new double[T * B * H * dv], last = new double[B * H * dk * dv];
        for (int b = 0; b < B; b++) {
            for (int h = 0; h < H; h++) {
                double[] S = new double[dk * dv];
                if (s0 != null) System.arraycopy(s0, (b * H + h) * dk * dv, S, 0, dk * dv);
                for (int t = 0; t < len(lengths, b, T); t++) {
                    int kx = ((t * B + b) * H + h) * dk, vx = ((t * B + b) * H + h) * dv;
                    for (int i = 0; i < dk; i++) {
                        double a = Math.exp(g[kx + i]);
                        for (int j = 0; j < dv; j++) S[i * dv + j] = a * S[i * dv + j] + k[kx + i] * v[vx + j];
                    }
                    for (int j = 0; j < dv; j++) {
                        double sum = 0;
                        for (int i = 0; i < dk; i++) sum += S[i * dv + j] * q[kx + i];
                        o[vx + j] = sum;
                    }
                }
                System.arraycopy(S, 0, last, (b * H + h) * dk * dv, dk * dv);
            }
        }
        return new double[][] {o, last};
    }

    /**
     * The (gated) delta rule with nh Householder steps per token: for each position p = (t, j),
     * S ← a_p (I − β_p k_p k_pᵀ) S + β_p k_p v_pᵀ with a_p = exp(g_t) at j = 0 (1 when ungated or
     * j > 0); o_t = Sᵀ q_t after the token's last step. Layouts: q (T,B,H,dk), k (T,B,H,nh,dk),
     * v (T,B,H,nh,dv), β (T,B,H,nh), g (T,B,H) or null. Returns {o, S_T}.
     */
    static double[][] delta(double[] q, double[] k, double[] v, double[] beta, double[] g, double[] s0,
                            int T, int B, int H, int nh, int dk, int dv, int[] lengths) {
        double[] o = new double[T * B * H * dv], last = new double[B * H * dk * dv];
        for (int b = 0; b < B; b++) {
            for (int h = 0; h < H; h++) {
                double[] S = new double[dk * dv];
                if (s0 != null) System.arraycopy(s0, (b * H + h) * dk * dv, S, 0, dk * dv);
                for (int t = 0; t < len(lengths, b, T); t++) {
                    int tok = (t * B + b) * H + h;
                    for (int j = 0; j < nh; j++) {
                        int pos = tok * nh + j;
                        double a = g != null && j == 0 ? Math.exp(g[tok]) : 1.0, bt = beta[pos];
                        double[] kS = new double[dv];
                        for (int c = 0; c < dv; c++) for (int l = 0; l < dk; l++) kS[c] += k[pos * dk + l] * S[l * dv + c];
                        for (int i = 0; i < dk; i++) {
                            for (int c = 0; c < dv; c++) {
                                double ki = k[pos * dk + i];
                                S[i * dv + c] = a * (S[i * dv + c] - bt * ki * kS[c]) + bt * ki * v[pos * dv + c];
                            }
                        }
                    }
                    for (int c = 0; c < dv; c++) {
                        double sum = 0;
                        for (int i = 0; i < dk; i++) sum += S[i * dv + c] * q[tok * dk + i];
                        o[tok * dv + c] = sum;
                    }
                }
                System.arraycopy(S, 0, last, (b * H + h) * dk * dv, dk * dv);
            }
        }
        return new double[][] {o, last};
    }

    /**
     * The stabilised mLSTM (xLSTM eqs. 19-27 with 15-17): m_t = max(log f_t + m_{t−1}, ĩ_t),
     * C_t = f' C_{t−1} + i' k_t v_tᵀ, n_t = f' n_{t−1} + i' k_t with f' = exp(log f_t + m_{t−1} − m_t),
     * i' = exp(ĩ_t − m_t); h̃_t = C_tᵀ q_t / max(|n_tᵀ q_t|, exp(−m_t)). C is stored key-major
     * (dk × dv). Layouts: q, k (T,B,H,dk), v (T,B,H,dv), ĩ, log f (T,B,H). Returns {h̃, C_T, n_T, m_T}.
     */
    static double[][] mlstm(double[] q, double[] k, double[] v, double[] ig, double[] lf, double[] c0, double[] n0,
                            double[] m0, int T, int B, int H, int dk, int dv, int[] lengths) {
        double[] out = new double[T * B * H * dv], lastC = new double[B * H * dk * dv], lastN = new double[B * H * dk];
        double[] lastM = new double[B * H];
        for (int b = 0; b < B; b++) {
            for (int h = 0; h < H; h++) {
                int bh = b * H + h;
                double[] C = new double[dk * dv], n = new double[dk];
                double m = m0 == null ? 0 : m0[bh];
                if (c0 != null) System.arraycopy(c0, bh * dk * dv, C, 0, dk * dv);
                if (n0 != null) System.arraycopy(n0, bh * dk, n, 0, dk);
                for (int t = 0; t < len(lengths, b, T); t++) {
                    int tok = (t * B + b) * H + h;
                    double mNew = Math.max(lf[tok] + m, ig[tok]);
                    double f = Math.exp(lf[tok] + m - mNew), in = Math.exp(ig[tok] - mNew);
                    for (int i = 0; i < dk; i++) {
                        for (int j = 0; j < dv; j++) C[i * dv + j] = f * C[i * dv + j] + in * k[tok * dk + i] * v[tok * dv + j];
                        n[i] = f * n[i] + in * k[tok * dk + i];
                    }
                    m = mNew;
                    double d = 0;
                    for (int i = 0; i < dk; i++) d += n[i] * q[tok * dk + i];
                    double den = Math.max(Math.abs(d), Math.exp(-m));
                    for (int j = 0; j < dv; j++) {
                        double num = 0;
                        for (int i = 0; i < dk; i++) num += C[i * dv + j] * q[tok * dk + i];
                        out[tok * dv + j] = num / den;
                    }
                }
                System.arraycopy(C, 0, lastC, bh * dk * dv, dk * dv);
                System.arraycopy(n, 0, lastN, bh * dk, dk);
                lastM[bh] = m;
            }
        }
        return new double[][] {out, lastC, lastN, lastM};
    }
}
