package dev.recur.ssm;

import dev.recur.kernel.Backends;
import dev.recur.kernel.Gemm;

/**
 * Sums against the powers {@code lambda_n^l}, {@code l = 0..T}, of one channel's M modes, without
 * materialising them. With {@code l = qQ + c} ({@code c < Q}), {@code lambda^l = lambda^(qQ) lambda^c},
 * so every sum over l splits into a GEMM against the small block {@code lambda^c} (2M x (Q+1) real:
 * rows n real parts, rows M+n imaginary parts) and a complex combination over the T/Q "giant steps"
 * {@code lambda^(qQ)}. A (2M, T) power block is 4 MB at T = 16384, M = 32; streaming it from memory
 * for every sum bounded the old form. Here the operands stay in cache, and the work per channel is
 * a few GEMMs of about (T/Q) x 2M x Q.
 *
 * <p>Both step sizes are built by repeated multiplication in double precision; the giant steps then
 * carry the error of T/Q products, not of T, and the float GEMM operands are rounded once. With the
 * convention of the two sums below, P means the real (2M, T+1) block {@code [Re lambda^l; Im lambda^l]}.
 */
final class Vandermonde {
    private final int modes, steps, q, chunks;
    private final float[] small;          // (2M, Q+1): lambda^c
    private final double[] smallRe, smallIm; // (M, Q+1) in double, for point values
    private final double[] giantRe, giantIm; // (M, chunks+1): lambda^(qQ)
    private final Gemm gemm = Backends.active().gemm();
    private float[] a = new float[0], x = new float[0], g = new float[0], tmp = new float[0];

    /** For sums over up to {@code T} steps (and point values up to {@code lambda^T}). */
    Vandermonde(int modes, int T) {
        this.modes = modes;
        this.steps = T;
        this.q = chunkSize(T);
        this.chunks = (T + 1 + q - 1) / q; // enough chunks to cover l = 0..T (with shift 1, l+1 <= T)
        small = new float[2 * modes * (q + 1)];
        smallRe = new double[modes * (q + 1)];
        smallIm = new double[modes * (q + 1)];
        giantRe = new double[modes * (chunks + 1)];
        giantIm = new double[modes * (chunks + 1)];
    }

    /** About sqrt(T), a power of two in [4, 128]: both GEMM dimensions then grow with T. */
    static int chunkSize(int T) {
        int c = 4;
        while (c < 128 && (long) c * c < T) c *= 2;
        return c;
    }

    int steps() {
        return steps;
    }

    /** The length that row-major inputs to {@link #sums} are padded to (a multiple of the chunk size). */
    int paddedLength() {
        return chunks * q;
    }

    /** Loads channel h's lambdas. */
    void compute(DiscreteSsm s, int h) {
        int ld = q + 1;
        for (int n = 0; n < modes; n++) {
            int i = h * modes + n;
            double lr = s.lamRe[i], li = s.lamIm[i];
            double br = 1, bi = 0;
            for (int c = 0; c <= q; c++) {
                smallRe[n * ld + c] = br;
                smallIm[n * ld + c] = bi;
                small[n * ld + c] = (float) br;
                small[(modes + n) * ld + c] = (float) bi;
                double t = br * lr - bi * li;
                bi = br * li + bi * lr;
                br = t;
            }
            double sr = smallRe[n * ld + q], si = smallIm[n * ld + q]; // lambda^Q
            double gr = 1, gi = 0;
            for (int k = 0; k <= chunks; k++) {
                giantRe[n * (chunks + 1) + k] = gr;
                giantIm[n * (chunks + 1) + k] = gi;
                double t = gr * sr - gi * si;
                gi = gr * si + gi * sr;
                gr = t;
            }
        }
    }

    /** Re lambda_n^l, {@code 0 <= l <= T}. */
    double re(int n, int l) {
        int k = l / q, c = l % q;
        double gr = giantRe[n * (chunks + 1) + k], gi = giantIm[n * (chunks + 1) + k];
        return gr * smallRe[n * (q + 1) + c] - gi * smallIm[n * (q + 1) + c];
    }

    /** Im lambda_n^l, {@code 0 <= l <= T}. */
    double im(int n, int l) {
        int k = l / q, c = l % q;
        double gr = giantRe[n * (chunks + 1) + k], gi = giantIm[n * (chunks + 1) + k];
        return gr * smallIm[n * (q + 1) + c] + gi * smallRe[n * (q + 1) + c];
    }

    /**
     * {@code out[r*len + l] = sum_k coef[r*2M + k] P[k][shift + l]} for {@code l < len}: for each row,
     * {@code sum_n a_n Re lambda^(l+shift) + b_n Im lambda^(l+shift)} with {@code a = coef[.., n]},
     * {@code b = coef[.., M+n]}. Shift is 0 or 1; {@code shift + len <= T + 1}.
     */
    void combine(float[] coef, int rows, int shift, int len, float[] out) {
        if (rows == 0 || len == 0) return;
        int M = modes, nq = (len + q - 1) / q, w = 2 * M;
        a = grow(a, rows * nq * w);
        tmp = grow(tmp, rows * nq * q);
        // a_n Re(Z w) + b_n Im(Z w) = (a Re Z + b Im Z) Re w + (b Re Z - a Im Z) Im w, Z = lambda^(kQ).
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < nq; k++) {
                int o = (r * nq + k) * w;
                for (int n = 0; n < M; n++) {
                    double zr = giantRe[n * (chunks + 1) + k], zi = giantIm[n * (chunks + 1) + k];
                    double an = coef[r * w + n], bn = coef[r * w + M + n];
                    a[o + n] = (float) (an * zr + bn * zi);
                    a[o + M + n] = (float) (bn * zr - an * zi);
                }
            }
        }
        gemm.sgemm(false, false, rows * nq, q, w, 1f, a, 0, w, small, shift, q + 1, 0f, tmp, 0, q);
        for (int r = 0; r < rows; r++) System.arraycopy(tmp, r * nq * q, out, r * len, len);
    }

    /**
     * {@code out[k*rows + r] = sum_{l<len} P[k][shift + l] v[r*paddedLength() + l]}: the complex sums
     * {@code sum_l lambda^(l+shift) v_rl} (real parts in rows k < M, imaginary in k >= M). The input
     * rows are read up to the next multiple of the chunk size, so entries from {@code len} on must be
     * zero. Shift is 0 or 1; {@code shift + len <= T + 1}.
     */
    void sums(float[] v, int rows, int len, int shift, float[] out) {
        int M = modes, w = 2 * M;
        if (rows == 0) return;
        if (len == 0) {
            java.util.Arrays.fill(out, 0, rows * w, 0f);
            return;
        }
        int nq = (len + q - 1) / q, tp = paddedLength();
        x = grow(x, rows * nq * q);
        for (int r = 0; r < rows; r++) System.arraycopy(v, r * tp, x, r * nq * q, nq * q);
        g = grow(g, rows * nq * w);
        // G[(r,k)][j] = sum_c v[r][kQ + c] small[j][shift + c]
        gemm.sgemm(false, true, rows * nq, w, q, 1f, x, 0, q, small, shift, q + 1, 0f, g, 0, w);
        for (int r = 0; r < rows; r++) {
            for (int n = 0; n < M; n++) {
                double sr = 0, si = 0;
                for (int k = 0; k < nq; k++) {
                    double zr = giantRe[n * (chunks + 1) + k], zi = giantIm[n * (chunks + 1) + k];
                    int o = (r * nq + k) * w;
                    double gr = g[o + n], gi = g[o + M + n];
                    sr += zr * gr - zi * gi;
                    si += zr * gi + zi * gr;
                }
                out[n * rows + r] = (float) sr;
                out[(M + n) * rows + r] = (float) si;
            }
        }
    }

    private static float[] grow(float[] b, int size) {
        return b.length >= size ? b : new float[size];
    }
}
