package dev.recur.ssm;

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
 * {@code P_l = lambda^l} of each channel:
 * <ul>
 * <li>an initial state x0 adds {@code 2 Re sum_n C_n x0_n P_{t+1}} to y_t;</li>
 * <li>the final state after L steps is {@code P_L x0 + bBar sum_{t<L} P_{L-1-t} u_t};</li>
 * <li>every gradient that reaches a power is collected as
 *     {@code g_lambda = sum_l g_{P_l} l conj(P_{l-1})}.</li>
 * </ul>
 * These sums, and the kernel itself, are {@link Vandermonde} sums: GEMMs against blocks of powers.
 *
 * <p>Work is split into blocks of {@value #LANES} channels (one task each, so no two tasks write
 * the same element). The (T, B, H) arrays are re-laid once as {@link ChannelBlocks}, so that a
 * block's sequences are contiguous; the FFTs take the block's channels as vector lanes, and the
 * per-channel algebra runs on {@link Columns}, one contiguous (T, B) matrix per channel.
 */
final class SsmConvolution {
    static final int LANES = ChannelBlocks.LANES;

    private SsmConvolution() {}

    /**
     * For the backward pass: the kernel's spectrum (per block: bins, LANES), the final-state sums S
     * (B, M, H), the input's spectra (per block: B, bins, LANES), and the input itself (T, B, H; the
     * caller's array, which the graph holds anyway): only a gradient of the final state needs it,
     * re-laid in blocks then. The kernel's spectra are one array per block, allocated by the task
     * that fills it: as one 16 MB array (at T = 16384, B = 4, H = 256) it was zeroed, and its pages
     * first touched, by the calling thread alone before the parallel loop began. The input's spectra
     * (blocks, B, bins, LANES; 67 MB each part there) come from {@link ScratchArrays}, and the
     * first backward pass hands them back when it is done ({@code spent}); a second backward pass
     * through the same graph transforms the input again instead.
     */
    record Saved(float[][] kRe, float[][] kIm, float[] sRe, float[] sIm, float[] uRe, float[] uIm, float[] input,
                 java.util.concurrent.atomic.AtomicBoolean spent) {}

    /**
     * With {@code keepSpectra} (required for {@link #backward}) the input's spectra are kept (2 B H
     * (T+1) floats, twice the input), so that the backward pass needs two FFTs per sequence and block
     * instead of three. The output is convolved into the input's blocked copy in place (a
     * convolution reads its signal in full before it writes): each full-size array is a humongous
     * G1 allocation, and each of those starts a young pause of its own.
     */
    static Saved forward(DiscreteSsm s, float[] u, int T, int B, int[] len, float[] x0Re, float[] x0Im,
                         float[] y, float[] xRe, float[] xIm, boolean keepSpectra) {
        int H = s.channels, M = s.modes;
        RealFft rfft = RealFft.ofSize(Math.max(2, Fft.nextPowerOfTwo(2 * T)));
        int bins = rfft.bins();
        ChannelBlocks ub = ChannelBlocks.borrow(u, T, B, H, null), yb = ub;
        float[][] kRe = new float[ub.blocks][], kIm = new float[ub.blocks][];
        float[] sRe = new float[B * H * M], sIm = new float[B * H * M];
        float[] uRe = keepSpectra ? ScratchArrays.take(ub.blocks * B * bins * LANES) : null;
        float[] uIm = keepSpectra ? ScratchArrays.take(ub.blocks * B * bins * LANES) : null;
        Parallel.forRange(ub.blocks, 1, (start, end) -> {
            Vandermonde p = new Vandermonde(M, T);
            RealFft.Workspace ws = rfft.workspace(LANES);
            float[] kernel = new float[T * LANES];
            float[] vT = new float[p.paddedLength() * B], outT = new float[2 * M * B], coef = new float[B * 2 * M];
            float[] out = new float[B * T];
            for (int blk = start; blk < end; blk++) {
                int h0 = blk * LANES, w = ub.width(blk);
                Columns uc = Columns.gather(ub, blk);
                Columns y0 = x0Re == null ? null : new Columns(T, B, w);
                for (int hl = 0; hl < w; hl++) {
                    int h = h0 + hl;
                    p.compute(s, h);
                    // K_l = sum_n 2 Re(W_n P_nl), W = C bBar
                    for (int n = 0; n < M; n++) {
                        int i = h * M + n;
                        coef[n] = (float) (2 * (s.cRe[i] * s.bRe[i] - s.cIm[i] * s.bIm[i]));
                        coef[M + n] = (float) (-2 * (s.cRe[i] * s.bIm[i] + s.cIm[i] * s.bRe[i]));
                    }
                    p.combine(coef, 1, 0, T, out);
                    for (int l = 0; l < T; l++) kernel[l * w + hl] = out[l];
                    // D u is the convolution with D at lag 0: in the kernel, it costs no pass over the output.
                    kernel[hl] += (float) s.d[h];
                    // Final state: S_b = sum_{j < L_b} u_{b, L_b-1-j} P_j.
                    uc.reversed(hl, len, vT, p.paddedLength(), false);
                    p.sums(vT, B, T, 0, outT);
                    for (int b = 0; b < B; b++) {
                        int L = len == null ? T : len[b];
                        for (int n = 0; n < M; n++) {
                            int i = h * M + n, o = (b * M + n) * H + h;
                            double sr = outT[n * B + b], si = outT[(M + n) * B + b];
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
                                int i = h * M + n, o = (b * M + n) * H + h;
                                coef[b * 2 * M + n] = (float) (2 * (s.cRe[i] * x0Re[o] - s.cIm[i] * x0Im[o]));
                                coef[b * 2 * M + M + n] = (float) (-2 * (s.cRe[i] * x0Im[o] + s.cIm[i] * x0Re[o]));
                            }
                        }
                        p.combine(coef, B, 1, T, out);
                        y0.setRows(hl, out);
                    }
                }
                kRe[blk] = new float[bins * LANES];
                kIm[blk] = new float[bins * LANES];
                rfft.forward(kernel, 0, w, T, w, kRe[blk], kIm[blk], 0, w, ws);
                for (int b = 0; b < B; b++) {
                    int off = ub.offset(blk, b);
                    RealFft.Product product = RealFft.Product.of(kRe[blk], kIm[blk], 0, false);
                    if (keepSpectra) product = product.keep(uRe, uIm, (blk * B + b) * bins * LANES);
                    rfft.convolve(ub.data, off, LANES, T, w, product, yb.data, off, LANES, T, false, ws);
                }
                if (y0 != null) y0.scatter(yb, blk, true); // after: the block held u until its convolutions
            }
        });
        yb.copyTo(y, len);
        yb.release();
        return new Saved(kRe, kIm, sRe, sIm, uRe, uIm, keepSpectra ? u : null, new java.util.concurrent.atomic.AtomicBoolean());
    }

    /**
     * Gradients: {@code dy} (T, B, H; entries past a length are ignored), gxL the final state's
     * gradient (null for none). Adds the input's gradient into {@code gu} from {@code guOff} (rows
     * past a length get nothing) and into {@code gx0} (null when not wanted).
     */
    static DiscreteSsm.Grads backward(DiscreteSsm s, Saved saved, float[] dyIn, int T, int B, int[] len,
                                      float[] x0Re, float[] x0Im, float[] gxLRe, float[] gxLIm,
                                      float[] gu, int guOff, float[] gx0Re, float[] gx0Im) {
        int H = s.channels, M = s.modes;
        RealFft rfft = RealFft.ofSize(Math.max(2, Fft.nextPowerOfTwo(2 * T)));
        int bins = rfft.bins();
        DiscreteSsm.Grads grads = new DiscreteSsm.Grads(H, M);
        boolean finalGrad = gxLRe != null || gxLIm != null;
        // du overwrites dy block by block (each convolution reads its signal in full before it writes):
        // one full-size array fewer to allocate, zero and collect.
        ChannelBlocks dyb = ChannelBlocks.borrow(dyIn, T, B, H, len), gub = dyb;
        // The first backward pass owns the kept input spectra (and hands them back at its end); a later one re-transforms the input.
        boolean own = saved.spent().compareAndSet(false, true);
        ChannelBlocks ub = finalGrad || !own ? ChannelBlocks.borrow(saved.input(), T, B, H, null) : null;
        Parallel.forRange(dyb.blocks, 1, (start, end) -> {
            RealFft.Workspace ws = rfft.workspace(LANES);
            float[] gr = new float[bins * LANES], gi = new float[bins * LANES];
            float[] dK = new float[T * LANES];
            Vandermonde p = new Vandermonde(M, T);
            Work work = new Work(p.paddedLength(), T, B, M);
            float[] redoRe = own ? null : new float[B * bins * LANES], redoIm = own ? null : new float[B * bins * LANES];
            for (int blk = start; blk < end; blk++) {
                int h0 = blk * LANES, w = dyb.width(blk);
                // dK_h = sum_b corr(dy, u) and du = corr(dy, K), through the spectra. The kernel's
                // spectrum holds D at lag 0 (see forward), so du includes D dy, and g_D = dK_0.
                java.util.Arrays.fill(gr, 0f);
                java.util.Arrays.fill(gi, 0f);
                Columns dyc = x0Re != null ? Columns.gather(dyb, blk) : null; // before du replaces dy
                for (int b = 0; b < B; b++) {
                    int off = dyb.offset(blk, b);
                    int so = (blk * B + b) * bins * LANES;
                    float[] ur = saved.uRe(), ui = saved.uIm();
                    if (!own) {
                        so = b * bins * LANES;
                        rfft.forward(ub.data, off, LANES, T, w, redoRe, redoIm, so, w, ws);
                        ur = redoRe;
                        ui = redoIm;
                    }
                    // du += corr(dy, K) = irfft(DY conj(K)), and G += conj(U) DY on the way
                    RealFft.Product product = RealFft.Product.of(saved.kRe()[blk], saved.kIm()[blk], 0, true)
                            .accumulate(ur, ui, so, gr, gi, 0);
                    rfft.convolve(dyb.data, off, LANES, T, w, product, gub.data, off, LANES, T, false, ws);
                }
                rfft.inverse(gr, gi, 0, w, w, dK, 0, w, T, false, ws);
                for (int l = 0; l < w; l++) grads.d[h0 + l] += dK[l];
                Columns uc = finalGrad ? Columns.gather(ub, blk) : null;
                Columns guc = finalGrad ? new Columns(T, B, w) : null;
                for (int hl = 0; hl < w; hl++) {
                    int h = h0 + hl;
                    p.compute(s, h);
                    work.clear();
                    kernelGrads(s, p, h, dK, hl, w, work);
                    if (dyc != null) initialStateGrads(s, p, h, dyc, hl, x0Re, x0Im, gx0Re, gx0Im, work);
                    if (finalGrad) {
                        finalStateGrads(s, saved, p, h, uc, guc, hl, len, x0Re, x0Im, gxLRe, gxLIm, gx0Re, gx0Im, work);
                    }
                    for (int n = 0; n < M; n++) {
                        int i = h * M + n;
                        grads.lamRe[i] = work.gLr[n];
                        grads.lamIm[i] = work.gLi[n];
                        grads.cRe[i] = work.gCr[n];
                        grads.cIm[i] = work.gCi[n];
                        grads.bRe[i] = work.gBr[n];
                        grads.bIm[i] = work.gBi[n];
                    }
                }
                if (guc != null) guc.scatter(gub, blk, true);
            }
        });
        // Rows past a length are mathematically zero already; the FFT leaves rounding noise that the length contract must not see.
        gub.copyTo(gu, guOff, len, true);
        gub.release();
        if (ub != null) ub.release();
        if (own) {
            ScratchArrays.give(saved.uRe());
            ScratchArrays.give(saved.uIm());
        }
        return grads;
    }

    /** Per-task scratch and the gradient sums of one channel. */
    private static final class Work {
        final float[] vT, outT, coef, out;
        final double[] gLr, gLi, gCr, gCi, gBr, gBi;

        Work(int padded, int T, int B, int M) {
            int rows = Math.max(B, 1);
            vT = new float[padded * rows];
            outT = new float[2 * M * rows];
            coef = new float[rows * 2 * M];
            out = new float[rows * Math.max(T, 1)];
            gLr = new double[M];
            gLi = new double[M];
            gCr = new double[M];
            gCi = new double[M];
            gBr = new double[M];
            gBi = new double[M];
        }

        void clear() {
            java.util.Arrays.fill(gLr, 0);
            java.util.Arrays.fill(gLi, 0);
            java.util.Arrays.fill(gCr, 0);
            java.util.Arrays.fill(gCi, 0);
            java.util.Arrays.fill(gBr, 0);
            java.util.Arrays.fill(gBi, 0);
        }
    }

    /** g_W = 2 sum_l dK_l conj(P_l) into C and bBar; g_lambda += 2 conj(W) sum_j (j+1) dK_{j+1} conj(P_j). */
    private static void kernelGrads(DiscreteSsm s, Vandermonde p, int h, float[] dK, int hl, int w, Work k) {
        int M = s.modes, T = p.steps();
        java.util.Arrays.fill(k.vT, Math.max(0, T - 1), p.paddedLength(), 0f);
        for (int l = 0; l < T; l++) k.vT[l] = dK[l * w + hl];
        p.sums(k.vT, 1, T, 0, k.outT);
        double[] gwr = new double[M], gwi = new double[M];
        for (int n = 0; n < M; n++) {
            gwr[n] = 2 * k.outT[n];
            gwi[n] = -2 * k.outT[M + n];
        }
        for (int j = 0; j + 1 < T; j++) k.vT[j] = (j + 1) * dK[(j + 1) * w + hl];
        k.vT[T - 1] = 0f;
        p.sums(k.vT, 1, T - 1, 0, k.outT);
        for (int n = 0; n < M; n++) {
            int i = h * M + n;
            double wr = s.cRe[i] * s.bRe[i] - s.cIm[i] * s.bIm[i], wi = s.cRe[i] * s.bIm[i] + s.cIm[i] * s.bRe[i];
            double qr = k.outT[n], qi = -k.outT[M + n];
            k.gLr[n] += 2 * (wr * qr + wi * qi);
            k.gLi[n] += 2 * (wr * qi - wi * qr);
            // W = C bBar: each factor gets g_W times the other's conjugate.
            k.gCr[n] += gwr[n] * s.bRe[i] + gwi[n] * s.bIm[i];
            k.gCi[n] += gwi[n] * s.bRe[i] - gwr[n] * s.bIm[i];
            k.gBr[n] += gwr[n] * s.cRe[i] + gwi[n] * s.cIm[i];
            k.gBi[n] += gwi[n] * s.cRe[i] - gwr[n] * s.cIm[i];
        }
    }

    /** y_{b,t} += 2 Re sum_n q_bn P_{n,t+1} with q = C x0: gradients of q, then of C, x0 and lambda. */
    private static void initialStateGrads(DiscreteSsm s, Vandermonde p, int h, Columns dyc, int hl,
                                          float[] x0Re, float[] x0Im, float[] gx0Re, float[] gx0Im, Work k) {
        int H = s.channels, M = s.modes, T = p.steps(), B = dyc.batch, tp = p.paddedLength();
        float[] dy = dyc.column(hl); // (T, B)
        java.util.Arrays.fill(k.vT, 0, B * tp, 0f);
        for (int t = 0; t < T; t++) for (int b = 0; b < B; b++) k.vT[b * tp + t] = dy[t * B + b];
        p.sums(k.vT, B, T, 1, k.outT); // sum_t dy_bt P_{t+1}
        double[] gq = new double[B * 2 * M];
        for (int b = 0; b < B; b++) {
            for (int n = 0; n < M; n++) {
                gq[b * 2 * M + n] = 2 * k.outT[n * B + b];
                gq[b * 2 * M + M + n] = -2 * k.outT[(M + n) * B + b];
            }
        }
        for (int t = 0; t < T; t++) for (int b = 0; b < B; b++) k.vT[b * tp + t] = (t + 1) * dy[t * B + b];
        p.sums(k.vT, B, T, 0, k.outT); // sum_t (t+1) dy_bt P_t
        for (int b = 0; b < B; b++) {
            for (int n = 0; n < M; n++) {
                int i = h * M + n, o = (b * M + n) * H + h;
                double qr = s.cRe[i] * x0Re[o] - s.cIm[i] * x0Im[o], qi = s.cRe[i] * x0Im[o] + s.cIm[i] * x0Re[o];
                double er = k.outT[n * B + b], ei = -k.outT[(M + n) * B + b];
                k.gLr[n] += 2 * (qr * er + qi * ei); // 2 conj(q) E
                k.gLi[n] += 2 * (qr * ei - qi * er);
                double gr = gq[b * 2 * M + n], gi = gq[b * 2 * M + M + n];
                k.gCr[n] += gr * x0Re[o] + gi * x0Im[o]; // g_q conj(x0)
                k.gCi[n] += gi * x0Re[o] - gr * x0Im[o];
                if (gx0Re != null) {
                    gx0Re[o] += (float) (gr * s.cRe[i] + gi * s.cIm[i]); // g_q conj(C)
                    gx0Im[o] += (float) (gi * s.cRe[i] - gr * s.cIm[i]);
                }
            }
        }
    }

    /** x_L = P_L x0 + bBar S with S = sum_{t<L} P_{L-1-t} u_t: gradients of x0, bBar, u and lambda. */
    private static void finalStateGrads(DiscreteSsm s, Saved saved, Vandermonde p, int h, Columns uc, Columns guc, int hl,
                                        int[] len, float[] x0Re, float[] x0Im, float[] gxLRe, float[] gxLIm,
                                        float[] gx0Re, float[] gx0Im, Work k) {
        int H = s.channels, M = s.modes, T = p.steps(), B = uc.batch;
        for (int b = 0; b < B; b++) {
            int L = len == null ? T : len[b];
            for (int n = 0; n < M; n++) {
                int i = h * M + n, o = (b * M + n) * H + h;
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
                        k.gLr[n] += L * (cr * pr + ci * pi);
                        k.gLi[n] += L * (ci * pr - cr * pi);
                    }
                }
                double sr = saved.sRe()[o], si = saved.sIm()[o];
                k.gBr[n] += gr * sr + gi * si; // g conj(S)
                k.gBi[n] += gi * sr - gr * si;
                k.coef[b * 2 * M + n] = (float) (gr * s.bRe[i] + gi * s.bIm[i]); // g_S = g conj(bBar)
                k.coef[b * 2 * M + M + n] = (float) (gi * s.bRe[i] - gr * s.bIm[i]);
            }
        }
        // g_u_{b,t} += Re(g_S conj(P_{L-1-t})) = sum_n gSr Pr + gSi Pi, at j = L-1-t.
        p.combine(k.coef, B, 0, T, k.out);
        guc.setRowsReversed(hl, k.out, len);
        // g_lambda += sum_b g_S sum_{j>=1} u_{L-1-j} j conj(P_{j-1}): weights (j'+1) u_{L-2-j'} at j' = j-1.
        uc.reversed(hl, len, k.vT, p.paddedLength(), true);
        p.sums(k.vT, B, T, 0, k.outT);
        for (int b = 0; b < B; b++) {
            for (int n = 0; n < M; n++) {
                double gsr = k.coef[b * 2 * M + n], gsi = k.coef[b * 2 * M + M + n];
                double fr = k.outT[n * B + b], fi = -k.outT[(M + n) * B + b];
                k.gLr[n] += gsr * fr - gsi * fi;
                k.gLi[n] += gsr * fi + gsi * fr;
            }
        }
    }

    /**
     * The channels of one {@link ChannelBlocks} block as one contiguous (T, B) matrix each, for the
     * per-channel algebra (GEMMs over time with the batch as columns).
     */
    static final class Columns {
        final int steps, batch, w;
        private final float[][] cols;

        Columns(int T, int B, int w) {
            this.steps = T;
            this.batch = B;
            this.w = w;
            cols = new float[w][T * B];
        }

        static Columns gather(ChannelBlocks a, int k) {
            int T = a.steps, B = a.batch;
            Columns c = new Columns(T, B, a.width(k));
            for (int b = 0; b < B; b++) {
                int off = a.offset(k, b);
                for (int t = 0; t < T; t++) {
                    for (int j = 0; j < c.w; j++) c.cols[j][t * B + b] = a.data[off + t * ChannelBlocks.LANES + j];
                }
            }
            return c;
        }

        float[] column(int j) {
            return cols[j];
        }

        /**
         * Column j read backwards from each sequence's end, one row of {@code ld} per sequence:
         * {@code v[b*ld + i] = x_{b, L_b-1-i}} (zero for {@code i >= L_b}); with {@code weighted},
         * {@code (i+1) x_{b, L_b-2-i}} instead.
         */
        void reversed(int j, int[] len, float[] v, int ld, boolean weighted) {
            float[] c = cols[j];
            int T = steps, B = batch;
            for (int b = 0; b < B; b++) {
                int L = len == null ? T : len[b];
                for (int i = 0; i < ld; i++) {
                    int t = weighted ? L - 2 - i : L - 1 - i;
                    v[b * ld + i] = t >= 0 ? (weighted ? (i + 1) * c[t * B + b] : c[t * B + b]) : 0f;
                }
            }
        }

        /** Sets column j from rows {@code r[b*T + t]} (one row of T per sequence). */
        void setRows(int j, float[] r) {
            float[] c = cols[j];
            for (int b = 0; b < batch; b++) for (int t = 0; t < steps; t++) c[t * batch + b] = r[b * steps + t];
        }

        /** Sets column j at {@code t < L_b} from rows read backwards: {@code x_{b,t} = r[b*T + L_b-1-t]}. */
        void setRowsReversed(int j, float[] r, int[] len) {
            float[] c = cols[j];
            for (int b = 0; b < batch; b++) {
                int L = len == null ? steps : len[b];
                for (int t = 0; t < L; t++) c[t * batch + b] = r[b * steps + (L - 1 - t)];
            }
        }

        /** Writes (or adds) the columns into block k of {@code a}. */
        void scatter(ChannelBlocks a, int k, boolean add) {
            for (int b = 0; b < batch; b++) {
                int off = a.offset(k, b);
                for (int t = 0; t < steps; t++) {
                    int o = off + t * ChannelBlocks.LANES;
                    for (int j = 0; j < w; j++) {
                        if (add) a.data[o + j] += cols[j][t * batch + b];
                        else a.data[o + j] = cols[j][t * batch + b];
                    }
                }
            }
        }
    }
}
