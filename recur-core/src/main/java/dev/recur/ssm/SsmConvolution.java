package dev.recur.ssm;

import dev.recur.kernel.Backends;
import dev.recur.kernel.Gemm;
import dev.recur.kernel.Parallel;
import dev.recur.kernel.fft.Fft;
import dev.recur.kernel.fft.RealFft;

/**
 * The convolution form of a {@link DiscreteSsm}: with zero initial state the output is the causal
 * convolution of the input with the materialised kernel {@code K_l = 2 Re sum_n C_n bBar_n lambda_n^l}
 * plus {@code D u}, computed with real FFTs of length {@code m >= 2T}. The kernel costs H*M*T
 * (shared by the batch), the convolutions B*H*T log T, against B*H*M*T for the recurrence.
 *
 * <p>The rest of the recurrence's contract is kept exactly, through the powers
 * {@code P_l = lambda^l} (per channel, as a (2M, T+1) real block):
 * <ul>
 * <li>an initial state x0 adds {@code 2 Re sum_n C_n x0_n P_{t+1}} to y_t;</li>
 * <li>the final state after L steps is {@code P_L x0 + bBar sum_{t<L} P_{L-1-t} u_t};</li>
 * <li>every gradient that reaches a power is collected as
 *     {@code g_lambda = sum_l g_{P_l} l conj(P_{l-1})}.</li>
 * </ul>
 * These sums are GEMMs against the power block. Phases: per channel (powers, kernel, states),
 * per block of {@value #LANES} channels (FFTs, with the channels as vector lanes), elementwise.
 */
final class SsmConvolution {
    static final int LANES = 16;
    /** Powers are built as lambda^(qQ) * lambda^r, r < Q: one independent complex product each. */
    private static final int POWER_BLOCK = 64;

    private SsmConvolution() {}

    /** The kernel's spectrum (bins x H) and the final-state sums S (B, H, M) for the backward pass. */
    record Saved(float[] kRe, float[] kIm, float[] sRe, float[] sIm) {}

    static Saved forward(DiscreteSsm s, float[] u, int T, int B, int[] len, float[] x0Re, float[] x0Im,
                         float[] y, float[] xRe, float[] xIm) {
        int H = s.channels, M = s.modes;
        RealFft rfft = new RealFft(Math.max(2, Fft.nextPowerOfTwo(2 * T)));
        int bins = rfft.bins();
        float[] kernel = new float[T * H];
        float[] sRe = new float[B * H * M], sIm = new float[B * H * M];
        java.util.Arrays.fill(y, 0, T * B * H, 0f);
        Parallel.forRange(H, 1, (start, end) -> {
            Powers p = new Powers(M, T);
            float[] coef = new float[Math.max(B, 1) * 2 * M];
            float[] rows = new float[Math.max(B, 1) * T];
            float[] out = new float[Math.max(B, 1) * Math.max(T, 2 * M)];
            for (int h = start; h < end; h++) {
                p.compute(s, h);
                // K_l = sum_n 2 Re(W_n P_nl), W = C bBar
                for (int n = 0; n < M; n++) {
                    int i = h * M + n;
                    double wr = s.cRe[i] * s.bRe[i] - s.cIm[i] * s.bIm[i], wi = s.cRe[i] * s.bIm[i] + s.cIm[i] * s.bRe[i];
                    coef[n] = (float) (2 * wr);
                    coef[M + n] = (float) (-2 * wi);
                }
                p.combine(coef, 1, 0, T, out);
                for (int l = 0; l < T; l++) kernel[l * H + h] = out[l];
                // Final state: S_b = sum_{j < L_b} u_{b, L_b-1-j} P_j.
                for (int b = 0; b < B; b++) {
                    int L = len == null ? T : len[b];
                    for (int j = 0; j < T; j++) rows[b * T + j] = j < L ? u[((L - 1 - j) * B + b) * H + h] : 0f;
                }
                p.dots(rows, B, T, 0, out);
                for (int b = 0; b < B; b++) {
                    int L = len == null ? T : len[b];
                    for (int n = 0; n < M; n++) {
                        int i = h * M + n, o = (b * H + h) * M + n;
                        double sr = out[b * 2 * M + n], si = out[b * 2 * M + M + n];
                        sRe[o] = (float) sr;
                        sIm[o] = (float) si;
                        double xr = s.bRe[i] * sr - s.bIm[i] * si, xi = s.bRe[i] * si + s.bIm[i] * sr;
                        if (x0Re != null) {
                            double pr = p.re(n, L), pi = p.im(n, L);
                            xr += pr * x0Re[o] - pi * x0Im[o];
                            xi += pr * x0Im[o] + pi * x0Re[o];
                        }
                        xRe[o] = (float) xr;
                        xIm[o] = (float) xi;
                    }
                }
                // Initial state: y_{b,t} += 2 Re sum_n (C x0_b)_n P_{n, t+1}.
                if (x0Re != null) {
                    for (int b = 0; b < B; b++) {
                        for (int n = 0; n < M; n++) {
                            int i = h * M + n, o = (b * H + h) * M + n;
                            double qr = s.cRe[i] * x0Re[o] - s.cIm[i] * x0Im[o], qi = s.cRe[i] * x0Im[o] + s.cIm[i] * x0Re[o];
                            coef[b * 2 * M + n] = (float) (2 * qr);
                            coef[b * 2 * M + M + n] = (float) (-2 * qi);
                        }
                    }
                    p.combine(coef, B, 1, T, out);
                    for (int b = 0; b < B; b++) for (int t = 0; t < T; t++) y[(t * B + b) * H + h] += out[b * T + t];
                }
            }
        });
        float[] kRe = new float[bins * H], kIm = new float[bins * H];
        int blocks = (H + LANES - 1) / LANES;
        Parallel.forRange(blocks, 1, (start, end) -> {
            RealFft.Workspace ws = rfft.workspace(LANES);
            for (int blk = start; blk < end; blk++) {
                int h0 = blk * LANES, w = Math.min(LANES, H - h0);
                rfft.forward(kernel, h0, H, T, w, kRe, kIm, h0, H, ws);
            }
        });
        Parallel.forRange(B * blocks, 1, (start, end) -> {
            RealFft.Workspace ws = rfft.workspace(LANES);
            float[] fr = new float[bins * LANES], fi = new float[bins * LANES];
            for (int task = start; task < end; task++) {
                int b = task / blocks, h0 = (task % blocks) * LANES, w = Math.min(LANES, H - h0);
                int off = b * H + h0, stride = B * H;
                rfft.forward(u, off, stride, T, w, fr, fi, 0, w, ws);
                multiply(fr, fi, w, kRe, kIm, h0, H, bins, false);
                rfft.inverse(fr, fi, 0, w, w, y, off, stride, T, true, ws);
            }
        });
        for (int t = 0; t < T; t++) {
            for (int b = 0; b < B; b++) {
                int row = (t * B + b) * H;
                if (len != null && t >= len[b]) {
                    java.util.Arrays.fill(y, row, row + H, 0f);
                } else {
                    for (int h = 0; h < H; h++) y[row + h] += (float) s.d[h] * u[row + h];
                }
            }
        }
        return new Saved(kRe, kIm, sRe, sIm);
    }

    /**
     * Gradients: {@code dy} (T, B, H; entries past a length are ignored), gxL the final state's
     * gradient (null for none). Writes {@code gu} (zeros on entry: rows past a length are cleared)
     * and adds into {@code gx0} (null when not wanted).
     */
    static DiscreteSsm.Grads backward(DiscreteSsm s, Saved saved, float[] u, float[] dyIn, int T, int B, int[] len,
                                      float[] x0Re, float[] x0Im, float[] gxLRe, float[] gxLIm,
                                      float[] gu, float[] gx0Re, float[] gx0Im) {
        int H = s.channels, M = s.modes;
        RealFft rfft = new RealFft(Math.max(2, Fft.nextPowerOfTwo(2 * T)));
        int bins = rfft.bins();
        float[] dy = masked(dyIn, T, B, H, len);
        DiscreteSsm.Grads grads = new DiscreteSsm.Grads(H, M);
        for (int t = 0; t < T; t++) {
            for (int b = 0; b < B; b++) {
                int row = (t * B + b) * H;
                for (int h = 0; h < H; h++) {
                    gu[row + h] += (float) s.d[h] * dy[row + h];
                    grads.d[h] += (double) dy[row + h] * u[row + h];
                }
            }
        }
        // dK_h = sum_b corr(dy, u) and du = corr(dy, K), both through the spectra.
        float[] dK = new float[T * H];
        int blocks = (H + LANES - 1) / LANES;
        Parallel.forRange(blocks, 1, (start, end) -> {
            RealFft.Workspace ws = rfft.workspace(LANES);
            float[] dr = new float[bins * LANES], di = new float[bins * LANES];
            float[] ur = new float[bins * LANES], ui = new float[bins * LANES];
            float[] gr = new float[bins * LANES], gi = new float[bins * LANES];
            for (int blk = start; blk < end; blk++) {
                int h0 = blk * LANES, w = Math.min(LANES, H - h0);
                java.util.Arrays.fill(gr, 0f);
                java.util.Arrays.fill(gi, 0f);
                for (int b = 0; b < B; b++) {
                    int off = b * H + h0, stride = B * H;
                    rfft.forward(dy, off, stride, T, w, dr, di, 0, w, ws);
                    rfft.forward(u, off, stride, T, w, ur, ui, 0, w, ws);
                    for (int i = 0; i < bins * w; i++) { // G += conj(U) DY
                        gr[i] += ur[i] * dr[i] + ui[i] * di[i];
                        gi[i] += ur[i] * di[i] - ui[i] * dr[i];
                    }
                    multiply(dr, di, w, saved.kRe(), saved.kIm(), h0, H, bins, true);
                    rfft.inverse(dr, di, 0, w, w, gu, off, stride, T, true, ws);
                }
                rfft.inverse(gr, gi, 0, w, w, dK, h0, H, T, false, ws);
            }
        });
        Parallel.forRange(H, 1, (start, end) -> {
            Powers p = new Powers(M, T);
            int rowsMax = Math.max(B, 1);
            float[] v = new float[rowsMax * T];
            float[] coef = new float[rowsMax * 2 * M];
            float[] out = new float[rowsMax * Math.max(T, 2 * M)];
            double[] gLr = new double[M], gLi = new double[M], gCr = new double[M], gCi = new double[M];
            double[] gBr = new double[M], gBi = new double[M];
            for (int h = start; h < end; h++) {
                p.compute(s, h);
                java.util.Arrays.fill(gLr, 0);
                java.util.Arrays.fill(gLi, 0);
                java.util.Arrays.fill(gCr, 0);
                java.util.Arrays.fill(gCi, 0);
                java.util.Arrays.fill(gBr, 0);
                java.util.Arrays.fill(gBi, 0);
                // Kernel: g_W = 2 sum_l dK_l conj(P_l); g_lambda += 2 conj(W) sum_j (j+1) dK_{j+1} conj(P_j).
                for (int l = 0; l < T; l++) v[l] = dK[l * H + h];
                p.dots(v, 1, T, 0, out);
                double[] gwr = new double[M], gwi = new double[M];
                for (int n = 0; n < M; n++) {
                    gwr[n] = 2 * out[n];
                    gwi[n] = -2 * out[M + n];
                }
                for (int j = 0; j + 1 < T; j++) v[j] = (j + 1) * dK[(j + 1) * H + h];
                if (T > 1) {
                    p.dots(v, 1, T - 1, 0, out);
                    for (int n = 0; n < M; n++) {
                        int i = h * M + n;
                        double wr = s.cRe[i] * s.bRe[i] - s.cIm[i] * s.bIm[i], wi = s.cRe[i] * s.bIm[i] + s.cIm[i] * s.bRe[i];
                        double qr = out[n], qi = -out[M + n];
                        gLr[n] += 2 * (wr * qr + wi * qi); // 2 conj(W) Q
                        gLi[n] += 2 * (wr * qi - wi * qr);
                    }
                }
                for (int n = 0; n < M; n++) { // W = C bBar
                    int i = h * M + n;
                    gCr[n] += gwr[n] * s.bRe[i] + gwi[n] * s.bIm[i];
                    gCi[n] += gwi[n] * s.bRe[i] - gwr[n] * s.bIm[i];
                    gBr[n] += gwr[n] * s.cRe[i] + gwi[n] * s.cIm[i];
                    gBi[n] += gwi[n] * s.cRe[i] - gwr[n] * s.cIm[i];
                }
                if (x0Re != null) initialStateGrads(s, p, h, dy, T, B, x0Re, x0Im, gx0Re, gx0Im, v, out, gLr, gLi, gCr, gCi);
                if (gxLRe != null || gxLIm != null) {
                    finalStateGrads(s, saved, p, h, u, T, B, len, x0Re, x0Im, gxLRe, gxLIm, gu, gx0Re, gx0Im,
                            v, coef, out, gLr, gLi, gBr, gBi);
                }
                for (int n = 0; n < M; n++) {
                    int i = h * M + n;
                    grads.lamRe[i] = gLr[n];
                    grads.lamIm[i] = gLi[n];
                    grads.cRe[i] = gCr[n];
                    grads.cIm[i] = gCi[n];
                    grads.bRe[i] = gBr[n];
                    grads.bIm[i] = gBi[n];
                }
            }
        });
        // Mathematically zero already; the FFT leaves rounding noise that the length contract must not see.
        if (len != null) {
            for (int t = 0; t < T; t++) {
                for (int b = 0; b < B; b++) if (t >= len[b]) java.util.Arrays.fill(gu, (t * B + b) * H, (t * B + b + 1) * H, 0f);
            }
        }
        return grads;
    }

    /** y_{b,t} += 2 Re sum_n q_bn P_{n,t+1} with q = C x0: gradients of q, then of C, x0 and lambda. */
    private static void initialStateGrads(DiscreteSsm s, Powers p, int h, float[] dy, int T, int B,
                                          float[] x0Re, float[] x0Im, float[] gx0Re, float[] gx0Im,
                                          float[] v, float[] out, double[] gLr, double[] gLi, double[] gCr, double[] gCi) {
        int H = s.channels, M = s.modes;
        for (int b = 0; b < B; b++) for (int t = 0; t < T; t++) v[b * T + t] = dy[(t * B + b) * H + h];
        p.dots(v, B, T, 1, out); // sum_t dy_bt P_{t+1}
        float[] gq = new float[B * 2 * M];
        for (int b = 0; b < B; b++) {
            for (int n = 0; n < M; n++) {
                gq[b * 2 * M + n] = 2 * out[b * 2 * M + n];
                gq[b * 2 * M + M + n] = -2 * out[b * 2 * M + M + n];
            }
        }
        for (int b = 0; b < B; b++) for (int t = 0; t < T; t++) v[b * T + t] = (t + 1) * dy[(t * B + b) * H + h];
        p.dots(v, B, T, 0, out); // sum_t (t+1) dy_bt P_t
        for (int b = 0; b < B; b++) {
            for (int n = 0; n < M; n++) {
                int i = h * M + n, o = (b * H + h) * M + n;
                double qr = s.cRe[i] * x0Re[o] - s.cIm[i] * x0Im[o], qi = s.cRe[i] * x0Im[o] + s.cIm[i] * x0Re[o];
                double er = out[b * 2 * M + n], ei = -out[b * 2 * M + M + n];
                gLr[n] += 2 * (qr * er + qi * ei); // 2 conj(q) E
                gLi[n] += 2 * (qr * ei - qi * er);
                double gr = gq[b * 2 * M + n], gi = gq[b * 2 * M + M + n];
                gCr[n] += gr * x0Re[o] + gi * x0Im[o]; // g_q conj(x0)
                gCi[n] += gi * x0Re[o] - gr * x0Im[o];
                if (gx0Re != null) {
                    gx0Re[o] += (float) (gr * s.cRe[i] + gi * s.cIm[i]); // g_q conj(C)
                    gx0Im[o] += (float) (gi * s.cRe[i] - gr * s.cIm[i]);
                }
            }
        }
    }

    /** x_L = P_L x0 + bBar S with S = sum_{t<L} P_{L-1-t} u_t: gradients of x0, bBar, u and lambda. */
    private static void finalStateGrads(DiscreteSsm s, Saved saved, Powers p, int h, float[] u, int T, int B, int[] len,
                                        float[] x0Re, float[] x0Im, float[] gxLRe, float[] gxLIm,
                                        float[] gu, float[] gx0Re, float[] gx0Im, float[] v, float[] coef, float[] out,
                                        double[] gLr, double[] gLi, double[] gBr, double[] gBi) {
        int H = s.channels, M = s.modes;
        for (int b = 0; b < B; b++) {
            int L = len == null ? T : len[b];
            for (int n = 0; n < M; n++) {
                int i = h * M + n, o = (b * H + h) * M + n;
                double gr = gxLRe == null ? 0 : gxLRe[o], gi = gxLIm == null ? 0 : gxLIm[o];
                if (x0Re != null) {
                    if (gx0Re != null) { // g_x0 += g conj(P_L)
                        double pr = p.re(n, L), pi = p.im(n, L);
                        gx0Re[o] += (float) (gr * pr + gi * pi);
                        gx0Im[o] += (float) (gi * pr - gr * pi);
                    }
                    if (L >= 1) { // g_lambda += g conj(x0) L conj(P_{L-1})
                        double cr = gr * x0Re[o] + gi * x0Im[o], ci = gi * x0Re[o] - gr * x0Im[o];
                        double pr = p.re(n, L - 1), pi = p.im(n, L - 1);
                        gLr[n] += L * (cr * pr + ci * pi);
                        gLi[n] += L * (ci * pr - cr * pi);
                    }
                }
                double sr = saved.sRe()[o], si = saved.sIm()[o];
                gBr[n] += gr * sr + gi * si; // g conj(S)
                gBi[n] += gi * sr - gr * si;
                double gsr = gr * s.bRe[i] + gi * s.bIm[i], gsi = gi * s.bRe[i] - gr * s.bIm[i]; // g conj(bBar)
                coef[b * 2 * M + n] = (float) gsr;
                coef[b * 2 * M + M + n] = (float) gsi;
            }
        }
        // g_u_{b,t} += Re(g_S conj(P_{L-1-t})) = sum_n gSr Pr + gSi Pi, at j = L-1-t.
        p.combine(coef, B, 0, T, out);
        for (int b = 0; b < B; b++) {
            int L = len == null ? T : len[b];
            for (int t = 0; t < L; t++) gu[(t * B + b) * H + h] += out[b * T + (L - 1 - t)];
        }
        // g_lambda += sum_b g_S sum_{j>=1} u_{L-1-j} j conj(P_{j-1}); with j' = j-1 the weights are (j'+1) u_{L-2-j'}.
        for (int b = 0; b < B; b++) {
            int L = len == null ? T : len[b];
            for (int j = 0; j < T; j++) v[b * T + j] = j < L - 1 ? (j + 1) * u[((L - 2 - j) * B + b) * H + h] : 0f;
        }
        p.dots(v, B, T, 0, out);
        for (int b = 0; b < B; b++) {
            for (int n = 0; n < M; n++) {
                double gsr = coef[b * 2 * M + n], gsi = coef[b * 2 * M + M + n];
                double fr = out[b * 2 * M + n], fi = -out[b * 2 * M + M + n];
                gLr[n] += gsr * fr - gsi * fi;
                gLi[n] += gsr * fi + gsi * fr;
            }
        }
    }

    /** Copies dy with the entries past each length zeroed. */
    private static float[] masked(float[] dy, int T, int B, int H, int[] len) {
        float[] m = java.util.Arrays.copyOf(dy, T * B * H);
        if (len != null) {
            for (int t = 0; t < T; t++) {
                for (int b = 0; b < B; b++) if (t >= len[b]) java.util.Arrays.fill(m, (t * B + b) * H, (t * B + b + 1) * H, 0f);
            }
        }
        return m;
    }

    /** X *= K (or conj(K)) bin by bin; X is (bins, w) contiguous, K columns [h0, h0+w) of (bins, H). */
    private static void multiply(float[] xr, float[] xi, int w, float[] kr, float[] ki, int h0, int H, int bins, boolean conj) {
        float sign = conj ? -1f : 1f;
        for (int k = 0; k < bins; k++) {
            int x = k * w, q = k * H + h0;
            for (int l = 0; l < w; l++) {
                float ar = xr[x + l], ai = xi[x + l], br = kr[q + l], bi = sign * ki[q + l];
                xr[x + l] = ar * br - ai * bi;
                xi[x + l] = ar * bi + ai * br;
            }
        }
    }

    /**
     * The powers {@code lambda_n^l}, {@code l = 0..T}, of one channel as a (2M, T+1) row-major
     * block: rows n hold real parts, rows M+n imaginary parts. Sums against it are GEMMs.
     */
    static final class Powers {
        private final int modes, ld;
        private final float[] block;
        private final double[] baseRe = new double[POWER_BLOCK], baseIm = new double[POWER_BLOCK];
        private final Gemm gemm = Backends.active().gemm();

        Powers(int modes, int T) {
            this.modes = modes;
            this.ld = T + 1;
            this.block = new float[2 * modes * ld];
        }

        void compute(DiscreteSsm s, int h) {
            for (int n = 0; n < modes; n++) {
                int i = h * modes + n;
                double lr = s.lamRe[i], li = s.lamIm[i];
                double br = 1, bi = 0;
                for (int r = 0; r < POWER_BLOCK; r++) { // lambda^r
                    baseRe[r] = br;
                    baseIm[r] = bi;
                    double t = br * lr - bi * li;
                    bi = br * li + bi * lr;
                    br = t;
                }
                double sr = br, si = bi; // lambda^Q
                double ar = 1, ai = 0;   // lambda^(qQ)
                int re = n * ld, im = (modes + n) * ld;
                for (int q = 0; q * POWER_BLOCK < ld; q++) {
                    int l0 = q * POWER_BLOCK, cnt = Math.min(POWER_BLOCK, ld - l0);
                    for (int r = 0; r < cnt; r++) {
                        block[re + l0 + r] = (float) (ar * baseRe[r] - ai * baseIm[r]);
                        block[im + l0 + r] = (float) (ar * baseIm[r] + ai * baseRe[r]);
                    }
                    double t = ar * sr - ai * si;
                    ai = ar * si + ai * sr;
                    ar = t;
                }
            }
        }

        double re(int n, int l) {
            return block[n * ld + l];
        }

        double im(int n, int l) {
            return block[(modes + n) * ld + l];
        }

        /** {@code out[r][l] = sum_k coef[r][k] block[k][shift + l]}, l < len: rows (rows, 2M) times columns. */
        void combine(float[] coef, int rows, int shift, int len, float[] out) {
            if (rows == 0 || len == 0) return;
            gemm.sgemm(false, false, rows, len, 2 * modes, 1f, coef, 0, 2 * modes, block, shift, ld, 0f, out, 0, len);
        }

        /** {@code out[r][k] = sum_{l<len} v[r][l] block[k][shift + l]}: each row of v against every power row. */
        void dots(float[] v, int rows, int len, int shift, float[] out) {
            if (rows == 0) return;
            if (len == 0) {
                java.util.Arrays.fill(out, 0, rows * 2 * modes, 0f);
                return;
            }
            gemm.sgemm(false, true, rows, 2 * modes, len, 1f, v, 0, len, block, shift, ld, 0f, out, 0, 2 * modes);
        }
    }
}
