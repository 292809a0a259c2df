package dev.recur.kernel.fft;

/**
 * A complex fast Fourier transform of a power-of-two size {@code n}, run on many signals at once.
 *
 * <p>Layout: split real and imaginary float arrays; element {@code k} of signal {@code l} is at
 * {@code off + k * lanes + l}. Keeping the signals ("lanes") innermost makes every butterfly loop
 * a contiguous run of at least {@code lanes} floats and matches the time-major
 * {@code (T, B, channels)} layout of sequences, so a block of channels is transformed without a
 * transpose.
 *
 * <p>Algorithm: Stockham autosort (decimation in frequency), radix 4 with one radix-2 stage when
 * log2 n is odd. Each stage reads one buffer and writes the other, so there is no bit-reversal
 * pass, and radix 4 halves the passes over memory. C2 vectorises a loop only when every array in
 * it is indexed by the bare loop counter (with offsets into arrays that might be the same object
 * it must stay scalar), so runs of at least {@value #BLOCK_MIN} floats are staged through small
 * zero-offset buffers ({@value #BLOCK} floats, in L1) and computed there; shorter runs (the first
 * stage with few lanes) are computed in place. With the vector backend active, runs of at least
 * {@value #VECTOR_MIN} floats go to {@link FftKernels} instead, which compute straight from the
 * arrays with the Vector API (same operations, same bits; no staging copies). Twiddles are computed once in double precision from
 * the exact angle and rounded to float; the arithmetic is float32. Measured error against a
 * double-precision DFT of Gaussian signals: relative RMS 0.6e-7 at n = 16, 0.9e-7 at 256, 1.4e-7
 * at n = 2^14 (FftTest bounds it by 3e-7).
 *
 * <p>{@link #forward} computes {@code X_k = sum_j x_j exp(-2 pi i jk/n)}; {@link #inverse} the same
 * with {@code +i} and without the {@code 1/n} factor. Instances are immutable and thread-safe.
 */
public final class Fft {
    static final int BLOCK = 256;
    static final int BLOCK_MIN = 32;
    /** Shorter runs (the first stages of few-lane transforms) stay on the scalar loops even with vector kernels. */
    static final int VECTOR_MIN = 8;
    private final int n;
    private final float[] twRe; // exp(-2 pi i k / n), k < n (radix-4 stages reach 3n/4)
    private final float[] twIm;

    public Fft(int n) {
        if (n < 1 || Integer.bitCount(n) != 1) throw new IllegalArgumentException("FFT size must be a power of two, got " + n);
        this.n = n;
        twRe = new float[n];
        twIm = new float[n];
        for (int k = 0; k < n; k++) {
            double a = -2 * Math.PI * k / n;
            twRe[k] = (float) Math.cos(a);
            twIm[k] = (float) Math.sin(a);
        }
    }

    public int size() {
        return n;
    }

    /** The smallest power of two that is at least {@code m} (and at least 1). */
    public static int nextPowerOfTwo(int m) {
        if (m > (1 << 30)) throw new IllegalArgumentException("FFT length too large: " + m);
        return m <= 1 ? 1 : Integer.highestOneBit(m - 1) << 1;
    }

    /**
     * Transforms {@code lanes} signals in place: {@code re/im[off, off + n*lanes)}. {@code scratchRe}
     * and {@code scratchIm} hold at least {@code n*lanes} floats each (contents are overwritten).
     */
    public void forward(float[] re, float[] im, int off, int lanes, float[] scratchRe, float[] scratchIm) {
        run(re, im, off, lanes, scratchRe, scratchIm, false, FftKernels.active());
    }

    /** The inverse transform without the 1/n factor; otherwise as {@link #forward}. */
    public void inverse(float[] re, float[] im, int off, int lanes, float[] scratchRe, float[] scratchIm) {
        run(re, im, off, lanes, scratchRe, scratchIm, true, FftKernels.active());
    }

    /**
     * The transform with the given butterfly kernels for runs of at least {@value #VECTOR_MIN} lanes
     * (null: the scalar loops throughout), so that tests can hold the two against each other.
     */
    void run(float[] re, float[] im, int off, int lanes, float[] sRe, float[] sIm, boolean inverse, FftKernels kernels) {
        if (lanes < 1) throw new IllegalArgumentException("lanes must be >= 1, got " + lanes);
        int total = n * lanes;
        if (off < 0 || off + (long) total > re.length || off + (long) total > im.length) {
            throw new IllegalArgumentException("FFT of " + n + " x " + lanes + " at offset " + off + " exceeds the arrays");
        }
        if (sRe.length < total || sIm.length < total) {
            throw new IllegalArgumentException("FFT scratch needs " + total + " floats, has " + Math.min(sRe.length, sIm.length));
        }
        boolean inScratch = stages(0, stageCount(), re, im, off, sRe, sIm, 0, lanes, inverse, kernels);
        if (inScratch) { // an odd number of stages left the result in the scratch buffers
            System.arraycopy(sRe, 0, re, off, total);
            System.arraycopy(sIm, 0, im, off, total);
        }
    }

    /** The number of passes: one per radix-4 stage, plus the radix-2 stage when log2 n is odd. */
    int stageCount() {
        int lg = Integer.numberOfTrailingZeros(n);
        return lg / 2 + (lg & 1);
    }

    /** The stride s of the sub-signals that stage i runs over (1 for the first). */
    int strideOf(int stage) {
        boolean odd = (Integer.numberOfTrailingZeros(n) & 1) == 1;
        if (stage == 0) return 1;
        return odd ? 2 << (2 * (stage - 1)) : 1 << (2 * stage);
    }

    float twRe(int k) {
        return twRe[k];
    }

    float twIm(int k) {
        return twIm[k];
    }

    /**
     * Runs stages {@code [from, to)}; stage {@code from} reads buffer A (at aOff) and writes B (at
     * bOff), the next reads B, and so on. Returns whether the result is in B. Callers that compute
     * the first or last stage themselves (fused with a pack or unpack pass) run the rest here, and
     * nobody copies the result back to where it started.
     */
    boolean stages(int from, int to, float[] aRe, float[] aIm, int aOff, float[] bRe, float[] bIm, int bOff,
                   int lanes, boolean inverse, FftKernels kernels) {
        float sign = inverse ? -1f : 1f;
        Staging st = kernels != null ? null : new Staging(Math.min(BLOCK, Math.max(1, n / 2 * lanes)));
        float[] xr = aRe, xi = aIm, yr = bRe, yi = bIm;
        int xo = aOff, yo = bOff;
        boolean inB = false;
        for (int stage = from; stage < to; stage++) {
            int s = strideOf(stage), nCur = n / s, run = s * lanes;
            if ((Integer.numberOfTrailingZeros(nCur) & 1) == 1) { // odd log2: one radix-2 stage
                int m = nCur / 2;
                for (int p = 0; p < m; p++) {
                    float wr = twRe[p * s], wi = sign * twIm[p * s];
                    int a = xo + p * run, b = xo + (p + m) * run, c = yo + 2 * p * run;
                    if (kernels != null && run >= VECTOR_MIN) kernels.radix2(xr, xi, a, b, yr, yi, c, run, wr, wi);
                    else if (st != null && run >= BLOCK_MIN) st.radix2(xr, xi, a, b, yr, yi, c, run, wr, wi);
                    else radix2(xr, xi, a, b, yr, yi, c, run, wr, wi);
                }
            } else {
                int m = nCur / 4;
                for (int p = 0; p < m; p++) {
                    int k = p * s;
                    float w1r = twRe[k], w1i = sign * twIm[k], w2r = twRe[2 * k], w2i = sign * twIm[2 * k];
                    float w3r = twRe[3 * k], w3i = sign * twIm[3 * k];
                    int a = xo + p * run, c = yo + 4 * p * run;
                    if (kernels != null && run >= VECTOR_MIN) {
                        kernels.radix4(xr, xi, a, m * run, yr, yi, c, run, sign, w1r, w1i, w2r, w2i, w3r, w3i);
                    } else if (st != null && run >= BLOCK_MIN) {
                        st.radix4(xr, xi, a, m * run, yr, yi, c, run, sign, w1r, w1i, w2r, w2i, w3r, w3i);
                    }
                    else radix4(xr, xi, a, m * run, yr, yi, c, run, sign, w1r, w1i, w2r, w2i, w3r, w3i);
                }
            }
            float[] tr = xr, ti = xi;
            xr = yr;
            xi = yi;
            yr = tr;
            yi = ti;
            int to2 = xo;
            xo = yo;
            yo = to2;
            inB = !inB;
        }
        return inB;
    }

    /** y[c+r] = x[a+r] + x[b+r]; y[c+run+r] = (x[a+r] - x[b+r]) w, over a contiguous run. */
    private static void radix2(float[] xr, float[] xi, int a, int b, float[] yr, float[] yi, int c, int run, float wr, float wi) {
        int d = c + run;
        for (int r = 0; r < run; r++) {
            float ar = xr[a + r], ai = xi[a + r], br = xr[b + r], bi = xi[b + r];
            float sr = ar - br, si = ai - bi;
            yr[c + r] = ar + br;
            yi[c + r] = ai + bi;
            yr[d + r] = sr * wr - si * wi;
            yi[d + r] = sr * wi + si * wr;
        }
    }

    /**
     * The four inputs at a, a+q, a+2q, a+3q give the four outputs at c, c+run, c+2run, c+3run:
     * the size-4 DFT (with {@code sign} -1 for the inverse) times twiddles 1, w1, w2, w3.
     */
    private static void radix4(float[] xr, float[] xi, int a, int q, float[] yr, float[] yi, int c, int run, float sign,
                               float w1r, float w1i, float w2r, float w2i, float w3r, float w3i) {
        for (int r = 0; r < run; r++) {
            int i0 = a + r;
            float ar = xr[i0], ai = xi[i0], br = xr[i0 + q], bi = xi[i0 + q];
            float cr = xr[i0 + 2 * q], ci = xi[i0 + 2 * q], dr = xr[i0 + 3 * q], di = xi[i0 + 3 * q];
            float pr = ar + cr, pi = ai + ci, mr = ar - cr, mi = ai - ci;
            float sr = br + dr, si = bi + di, jr = -sign * (bi - di), ji = sign * (br - dr); // +-i (b - d)
            int o = c + r;
            yr[o] = pr + sr;
            yi[o] = pi + si;
            float t1r = mr - jr, t1i = mi - ji, t2r = pr - sr, t2i = pi - si, t3r = mr + jr, t3i = mi + ji;
            yr[o + run] = t1r * w1r - t1i * w1i;
            yi[o + run] = t1r * w1i + t1i * w1r;
            yr[o + 2 * run] = t2r * w2r - t2i * w2i;
            yi[o + 2 * run] = t2r * w2i + t2i * w2r;
            yr[o + 3 * run] = t3r * w3r - t3i * w3i;
            yi[o + 3 * run] = t3r * w3i + t3i * w3r;
        }
    }

    /** Zero-offset copies of a butterfly's operands, block by block, so that C2 vectorises the arithmetic. */
    private static final class Staging {
        final float[][] inR = new float[4][], inI = new float[4][], outR = new float[4][], outI = new float[4][];

        Staging(int size) {
            for (int k = 0; k < 4; k++) {
                inR[k] = new float[size];
                inI[k] = new float[size];
                outR[k] = new float[size];
                outI[k] = new float[size];
            }
        }

        void radix2(float[] xr, float[] xi, int a, int b, float[] yr, float[] yi, int c, int run, float wr, float wi) {
            float[] ar = inR[0], ai = inI[0], br = inR[1], bi = inI[1], cr = outR[0], ci = outI[0], dr = outR[1], di = outI[1];
            for (int r0 = 0; r0 < run; r0 += ar.length) {
                int len = Math.min(ar.length, run - r0);
                System.arraycopy(xr, a + r0, ar, 0, len);
                System.arraycopy(xi, a + r0, ai, 0, len);
                System.arraycopy(xr, b + r0, br, 0, len);
                System.arraycopy(xi, b + r0, bi, 0, len);
                for (int r = 0; r < len; r++) {
                    float pr = ar[r], pi = ai[r], qr = br[r], qi = bi[r];
                    float sr = pr - qr, si = pi - qi;
                    cr[r] = pr + qr;
                    ci[r] = pi + qi;
                    dr[r] = sr * wr - si * wi;
                    di[r] = sr * wi + si * wr;
                }
                System.arraycopy(cr, 0, yr, c + r0, len);
                System.arraycopy(ci, 0, yi, c + r0, len);
                System.arraycopy(dr, 0, yr, c + run + r0, len);
                System.arraycopy(di, 0, yi, c + run + r0, len);
            }
        }

        void radix4(float[] xr, float[] xi, int a, int q, float[] yr, float[] yi, int c, int run, float sign,
                    float w1r, float w1i, float w2r, float w2i, float w3r, float w3i) {
            float[] ar = inR[0], ai = inI[0], br = inR[1], bi = inI[1], cr = inR[2], ci = inI[2], dr = inR[3], di = inI[3];
            float[] y0r = outR[0], y0i = outI[0], y1r = outR[1], y1i = outI[1];
            float[] y2r = outR[2], y2i = outI[2], y3r = outR[3], y3i = outI[3];
            for (int r0 = 0; r0 < run; r0 += ar.length) {
                int len = Math.min(ar.length, run - r0);
                for (int k = 0; k < 4; k++) {
                    System.arraycopy(xr, a + k * q + r0, inR[k], 0, len);
                    System.arraycopy(xi, a + k * q + r0, inI[k], 0, len);
                }
                // Four short loops rather than one long one: C2 unrolls (and so vectorises) only small loop bodies.
                for (int r = 0; r < len; r++) { // a <- a + c, c <- a - c
                    float xr0 = ar[r], xi0 = ai[r], zr = cr[r], zi = ci[r];
                    ar[r] = xr0 + zr;
                    ai[r] = xi0 + zi;
                    cr[r] = xr0 - zr;
                    ci[r] = xi0 - zi;
                }
                for (int r = 0; r < len; r++) { // b <- b + d, d <- +-i (b - d)
                    float xr0 = br[r], xi0 = bi[r], zr = dr[r], zi = di[r];
                    br[r] = xr0 + zr;
                    bi[r] = xi0 + zi;
                    dr[r] = -sign * (xi0 - zi);
                    di[r] = sign * (xr0 - zr);
                }
                for (int r = 0; r < len; r++) { // y0 = p + s, y2 = (p - s) w2
                    float pr = ar[r], pi = ai[r], sr = br[r], si = bi[r];
                    float tr = pr - sr, ti = pi - si;
                    y0r[r] = pr + sr;
                    y0i[r] = pi + si;
                    y2r[r] = tr * w2r - ti * w2i;
                    y2i[r] = tr * w2i + ti * w2r;
                }
                for (int r = 0; r < len; r++) { // y1 = (m - j) w1, y3 = (m + j) w3
                    float mr = cr[r], mi = ci[r], jr = dr[r], ji = di[r];
                    float ur = mr - jr, ui = mi - ji, vr = mr + jr, vi = mi + ji;
                    y1r[r] = ur * w1r - ui * w1i;
                    y1i[r] = ur * w1i + ui * w1r;
                    y3r[r] = vr * w3r - vi * w3i;
                    y3i[r] = vr * w3i + vi * w3r;
                }
                for (int k = 0; k < 4; k++) {
                    System.arraycopy(outR[k], 0, yr, c + k * run + r0, len);
                    System.arraycopy(outI[k], 0, yi, c + k * run + r0, len);
                }
            }
        }
    }
}
