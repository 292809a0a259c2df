package dev.recur.kernel.fft;

/**
 * The Fourier transform of real signals of a power-of-two length {@code m >= 2}, through one
 * complex {@link Fft} of half the length: the even samples become the real parts, the odd samples
 * the imaginary parts, and a final split pass separates the two spectra. The result is the
 * {@code m/2 + 1} non-redundant bins {@code X_0 .. X_{m/2}} (the rest is their conjugate mirror).
 *
 * <p>Same layout as {@link Fft}: sample {@code t} (or bin {@code k}) of signal {@code l} at
 * {@code off + t * lanes + l}. {@link #inverse} includes the {@code 1/m} factor, so
 * {@code inverse(forward(x)) == x} up to rounding. Scratch space comes from a {@link Workspace}
 * that a thread may reuse across calls. Instances are immutable and thread-safe.
 */
public final class RealFft {
    private final int m;
    private final int half;
    private final Fft fft;
    private final float[] wRe; // exp(-2 pi i k / m), k <= m/2
    private final float[] wIm;

    public RealFft(int m) {
        if (m < 2 || Integer.bitCount(m) != 1) throw new IllegalArgumentException("real FFT length must be a power of two >= 2, got " + m);
        this.m = m;
        this.half = m / 2;
        this.fft = new Fft(half);
        wRe = new float[half + 1];
        wIm = new float[half + 1];
        for (int k = 0; k <= half; k++) {
            double a = -2 * Math.PI * k / m;
            wRe[k] = (float) Math.cos(a);
            wIm[k] = (float) Math.sin(a);
        }
    }

    private static final java.util.concurrent.ConcurrentHashMap<Integer, RealFft> CACHE = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * A shared transform of length m (a power of two >= 2): the twiddle tables (about 3m/2 sines
     * and cosines in double) are computed once per size rather than per call. At most one entry
     * per power of two, so the cache stays small.
     */
    public static RealFft ofSize(int m) {
        if (m < 2 || Integer.bitCount(m) != 1) throw new IllegalArgumentException("real FFT length must be a power of two >= 2, got " + m);
        return CACHE.computeIfAbsent(m, RealFft::new);
    }

    /** The real signal length m. */
    public int size() {
        return m;
    }

    /** The number of bins, m/2 + 1. */
    public int bins() {
        return half + 1;
    }

    /** Scratch buffers for transforms of up to {@code lanes} signals; one per thread. */
    public Workspace workspace(int lanes) {
        return new Workspace(half * lanes, lanes);
    }

    /**
     * Per-thread scratch: the packed half-length signal and the Stockham ping-pong buffer (a
     * transform ends in either), and two bins' worth of spectra for {@link #convolve}.
     */
    public static final class Workspace {
        final float[] zRe, zIm, sRe, sIm, xRe, xIm, yRe, yIm;

        Workspace(int size, int lanes) {
            zRe = new float[size];
            zIm = new float[size];
            sRe = new float[size];
            sIm = new float[size];
            xRe = new float[2 * lanes];
            xIm = new float[2 * lanes];
            yRe = new float[2 * lanes];
            yIm = new float[2 * lanes];
        }

        int capacity() {
            return zRe.length;
        }
    }

    /**
     * Spectra of {@code lanes} real signals stored as columns: sample {@code t} of signal {@code l} is
     * {@code x[xOff + t*xStride + l]} for {@code t < length}, and zero for {@code length <= t < m}
     * (the padding is implicit). Bin {@code k <= m/2} goes to {@code re/im[outOff + k*outStride + l]}.
     */
    public void forward(float[] x, int xOff, int xStride, int length, int lanes,
                        float[] re, float[] im, int outOff, int outStride, Workspace ws) {
        forward(x, xOff, xStride, length, lanes, re, im, outOff, outStride, ws, FftKernels.active());
    }

    /** {@link #forward} with the given kernels (null: the scalar loops), for tests of the twins. */
    void forward(float[] x, int xOff, int xStride, int length, int lanes,
                 float[] re, float[] im, int outOff, int outStride, Workspace ws, FftKernels kernels) {
        check(lanes, ws);
        if (length < 0 || length > m) throw new IllegalArgumentException("signal length " + length + " outside [0, " + m + "]");
        boolean inS = transformPacked(x, xOff, xStride, length, lanes, ws, kernels);
        float[] zr = inS ? ws.sRe : ws.zRe, zi = inS ? ws.sIm : ws.zIm;
        for (int k = 0; k <= half; k++) splitForward(zr, zi, k, lanes, re, im, outOff + k * outStride, kernels);
    }

    /**
     * Bin k of the spectrum from the transform Z of the packed signal: E_k = (Z_k + conj Z_{n-k}) / 2
     * and O_k = (Z_k - conj Z_{n-k}) / 2i are the spectra of the even and odd samples;
     * X_k = E_k + w^k O_k with w = exp(-2 pi i / m). Z_n is Z_0.
     */
    private void splitForward(float[] zr, float[] zi, int k, int lanes, float[] re, float[] im, int o, FftKernels kernels) {
        int p = (k == half ? 0 : k) * lanes, q = (k == 0 ? 0 : half - k) * lanes;
        float wr = wRe[k], wi = wIm[k];
        if (kernels != null) {
            kernels.splitForward(zr, zi, p, q, wr, wi, re, im, o, lanes);
            return;
        }
        for (int l = 0; l < lanes; l++) {
            float ar = zr[p + l], ai = zi[p + l], br = zr[q + l], bi = -zi[q + l];
            float er = 0.5f * (ar + br), ei = 0.5f * (ai + bi);
            float dr = ar - br, di = ai - bi; // = 2i O_k, so O_k = (di - i dr) / 2
            float or = 0.5f * di, oi = -0.5f * dr;
            re[o + l] = er + (wr * or - wi * oi);
            im[o + l] = ei + (wr * oi + wi * or);
        }
    }

    /**
     * Packs the signal (even samples to the real parts, odd to the imaginary) and transforms it;
     * returns whether the result is in the workspace's s buffers (else z). When the signal fits in
     * the first half (the zero padding of a linear convolution), the second half of the packed
     * signal is zero and the pack pass is fused into the first stage, which then reads half its
     * inputs straight from x.
     */
    private boolean transformPacked(float[] x, int xOff, int xStride, int length, int lanes, Workspace ws, FftKernels kernels) {
        float[] zr = ws.zRe, zi = ws.zIm;
        int count = fft.stageCount();
        if (half >= 2 && 2 * length <= m) {
            packStage(x, xOff, xStride, length, lanes, zr, zi, kernels);
            return fft.stages(1, count, zr, zi, 0, ws.sRe, ws.sIm, 0, lanes, false, kernels);
        }
        for (int t = 0; t < length; t++) System.arraycopy(x, xOff + t * xStride, (t & 1) == 0 ? zr : zi, (t >> 1) * lanes, lanes);
        java.util.Arrays.fill(zr, (length + 1) / 2 * lanes, half * lanes, 0f);
        java.util.Arrays.fill(zi, length / 2 * lanes, half * lanes, 0f);
        return fft.stages(0, count, zr, zi, 0, ws.sRe, ws.sIm, 0, lanes, false, kernels);
    }

    /** The forward transform's first stage with the pack pass, for a signal in the first half (see {@link FftKernels#packRadix4}). */
    private void packStage(float[] x, int xOff, int xStride, int length, int lanes, float[] yr, float[] yi, FftKernels kernels) {
        int n = half;
        if ((Integer.numberOfTrailingZeros(n) & 1) == 1) { // radix 2: b = z[p + n/2] is padding
            for (int p = 0; p < n / 2; p++) {
                int ar = row(xOff, xStride, length, 2 * p), ai = row(xOff, xStride, length, 2 * p + 1);
                float wr = fft.twRe(p), wi = fft.twIm(p);
                if (kernels != null) {
                    kernels.packRadix2(x, ar, ai, yr, yi, 2 * p * lanes, lanes, wr, wi);
                    continue;
                }
                int c = 2 * p * lanes;
                for (int l = 0; l < lanes; l++) {
                    float a = ar < 0 ? 0f : x[ar + l], ia = ai < 0 ? 0f : x[ai + l];
                    yr[c + l] = a;
                    yi[c + l] = ia;
                    yr[c + lanes + l] = a * wr - ia * wi;
                    yi[c + lanes + l] = a * wi + ia * wr;
                }
            }
            return;
        }
        for (int p = 0; p < n / 4; p++) { // radix 4: c = z[p + n/2] and d = z[p + 3n/4] are padding
            int ar = row(xOff, xStride, length, 2 * p), ai = row(xOff, xStride, length, 2 * p + 1);
            int br = row(xOff, xStride, length, 2 * p + n / 2), bi = row(xOff, xStride, length, 2 * p + n / 2 + 1);
            float w1r = fft.twRe(p), w1i = fft.twIm(p), w2r = fft.twRe(2 * p), w2i = fft.twIm(2 * p);
            float w3r = fft.twRe(3 * p), w3i = fft.twIm(3 * p);
            int c = 4 * p * lanes;
            if (kernels != null) {
                kernels.packRadix4(x, ar, ai, br, bi, yr, yi, c, lanes, w1r, w1i, w2r, w2i, w3r, w3i);
                continue;
            }
            for (int l = 0; l < lanes; l++) {
                float a = ar < 0 ? 0f : x[ar + l], ia = ai < 0 ? 0f : x[ai + l];
                float b = br < 0 ? 0f : x[br + l], ib = bi < 0 ? 0f : x[bi + l];
                yr[c + l] = a + b;
                yi[c + l] = ia + ib;
                float t1r = a + ib, t1i = ia - b, t2r = a - b, t2i = ia - ib, t3r = a - ib, t3i = ia + b;
                yr[c + lanes + l] = t1r * w1r - t1i * w1i;
                yi[c + lanes + l] = t1r * w1i + t1i * w1r;
                yr[c + 2 * lanes + l] = t2r * w2r - t2i * w2i;
                yi[c + 2 * lanes + l] = t2r * w2i + t2i * w2r;
                yr[c + 3 * lanes + l] = t3r * w3r - t3i * w3i;
                yi[c + 3 * lanes + l] = t3r * w3i + t3i * w3r;
            }
        }
    }

    /** Where row t of a signal starts, or -1 past its length. */
    private static int row(int off, int stride, int length, int t) {
        return t < length ? off + t * stride : -1;
    }

    /**
     * Real signals from their spectra (the inverse of {@link #forward}, with 1/m): bins
     * {@code re/im[inOff + k*inStride + l]}, {@code k <= m/2}; the first {@code length} samples go to
     * {@code x[xOff + t*xStride + l]}, added to what is there when {@code accumulate}. The imaginary
     * parts of bins 0 and m/2 are ignored, as for a real signal.
     */
    public void inverse(float[] re, float[] im, int inOff, int inStride, int lanes,
                        float[] x, int xOff, int xStride, int length, boolean accumulate, Workspace ws) {
        inverse(re, im, inOff, inStride, lanes, x, xOff, xStride, length, accumulate, ws, FftKernels.active());
    }

    /** {@link #inverse} with the given kernels (null: the scalar loops), for tests of the twins. */
    void inverse(float[] re, float[] im, int inOff, int inStride, int lanes,
                 float[] x, int xOff, int xStride, int length, boolean accumulate, Workspace ws, FftKernels kernels) {
        check(lanes, ws);
        if (length < 0 || length > m) throw new IllegalArgumentException("signal length " + length + " outside [0, " + m + "]");
        float[] zr = ws.zRe, zi = ws.zIm;
        for (int k = 0; k < half; k++) {
            splitInverse(re, im, inOff + k * inStride, inOff + (half - k) * inStride, k, lanes, zr, zi, k * lanes, kernels);
        }
        inverseFrom(false, lanes, x, xOff, xStride, length, accumulate, ws, kernels);
    }

    /**
     * Packed bin k of the half-length inverse from bins X_k (at p) and X_{n-k} (at q):
     * E_k = (X_k + conj X_{n-k}) / 2, O_k = (X_k - conj X_{n-k}) w^-k / 2, Z_k = (E_k + i O_k) / n.
     */
    private void splitInverse(float[] re, float[] im, int p, int q, int k, int lanes, float[] zr, float[] zi, int o, FftKernels kernels) {
        float scale = 1f / half, wr = wRe[k], wi = -wIm[k];
        if (kernels != null) {
            kernels.splitInverse(re, im, p, q, k == 0, wr, wi, scale, zr, zi, o, lanes);
            return;
        }
        for (int l = 0; l < lanes; l++) {
            float ar = re[p + l], ai = k == 0 ? 0f : im[p + l];
            float br = re[q + l], bi = k == 0 ? 0f : -im[q + l];
            float er = 0.5f * (ar + br), ei = 0.5f * (ai + bi);
            float dr = 0.5f * (ar - br), di = 0.5f * (ai - bi);
            float or = dr * wr - di * wi, oi = dr * wi + di * wr;
            zr[o + l] = scale * (er - oi);
            zi[o + l] = scale * (ei + or);
        }
    }

    /**
     * The half-length inverse transform of the packed spectrum in the workspace (in s when
     * {@code inS}, else z) and the unpack pass into x. When only the first half of the signal is
     * wanted (a linear convolution's output), the last stage computes only that half and writes it
     * straight into x.
     */
    private void inverseFrom(boolean inS, int lanes, float[] x, int xOff, int xStride, int length, boolean accumulate,
                             Workspace ws, FftKernels kernels) {
        float[] ar = inS ? ws.sRe : ws.zRe, ai = inS ? ws.sIm : ws.zIm, br = inS ? ws.zRe : ws.sRe, bi = inS ? ws.zIm : ws.sIm;
        int count = fft.stageCount(), n = half;
        if (n >= 4 && 2 * length <= m) {
            boolean inB = fft.stages(0, count - 1, ar, ai, 0, br, bi, 0, lanes, true, kernels);
            float[] yr = inB ? br : ar, yi = inB ? bi : ai;
            int q = n / 4 * lanes;
            for (int j = 0; j < n / 4 && 2 * j < length; j++) {
                int r0 = row(xOff, xStride, length, 2 * j), i0 = row(xOff, xStride, length, 2 * j + 1);
                int r1 = row(xOff, xStride, length, 2 * j + n / 2), i1 = row(xOff, xStride, length, 2 * j + n / 2 + 1);
                if (kernels != null) {
                    kernels.unpackRadix4(yr, yi, j * lanes, q, -1f, x, r0, i0, r1, i1, lanes, accumulate);
                } else {
                    unpackRadix4(yr, yi, j * lanes, q, -1f, x, r0, i0, r1, i1, lanes, accumulate);
                }
            }
            return;
        }
        boolean inB = fft.stages(0, count, ar, ai, 0, br, bi, 0, lanes, true, kernels);
        float[] zr = inB ? br : ar, zi = inB ? bi : ai;
        for (int t = 0; t < length; t++) {
            float[] src = (t & 1) == 0 ? zr : zi;
            int s = (t >> 1) * lanes, d = xOff + t * xStride;
            if (accumulate && kernels != null) {
                kernels.accumulate(src, s, x, d, lanes);
            } else if (accumulate) {
                for (int l = 0; l < lanes; l++) x[d + l] += src[s + l];
            } else {
                System.arraycopy(src, s, x, d, lanes);
            }
        }
    }

    /** The scalar twin of {@link FftKernels#unpackRadix4}. */
    private static void unpackRadix4(float[] xr, float[] xi, int a, int q, float sign, float[] x, int r0, int i0, int r1, int i1,
                                     int lanes, boolean accumulate) {
        for (int l = 0; l < lanes; l++) {
            int o = a + l;
            float ar = xr[o], ai = xi[o], br = xr[o + q], bi = xi[o + q];
            float cr = xr[o + 2 * q], ci = xi[o + 2 * q], dr = xr[o + 3 * q], di = xi[o + 3 * q];
            float pr = ar + cr, pi = ai + ci, mr = ar - cr, mi = ai - ci;
            float sr = br + dr, si = bi + di, jr = -sign * (bi - di), ji = sign * (br - dr);
            put(pr + sr, x, r0, l, accumulate);
            put(pi + si, x, i0, l, accumulate);
            put(mr - jr, x, r1, l, accumulate);
            put(mi - ji, x, i1, l, accumulate);
        }
    }

    private static void put(float v, float[] x, int off, int l, boolean accumulate) {
        if (off < 0) return;
        x[off + l] = accumulate ? x[off + l] + v : v;
    }

    /**
     * What {@link #convolve} does with the bins X_k of its input (all spectra bins x lanes, bin k of
     * lane l at {@code off + k*lanes + l}): Y = X K, or X conj(K) with {@code conjugate}; with
     * {@link #keep}, X is also stored; with {@link #accumulate}, {@code G += conj(A) X}.
     */
    public record Product(float[] kRe, float[] kIm, int kOff, boolean conjugate,
                          float[] keepRe, float[] keepIm, int keepOff,
                          float[] aRe, float[] aIm, int aOff, float[] gRe, float[] gIm, int gOff) {
        public static Product of(float[] kRe, float[] kIm, int kOff, boolean conjugate) {
            return new Product(kRe, kIm, kOff, conjugate, null, null, 0, null, null, 0, null, null, 0);
        }

        public Product keep(float[] re, float[] im, int off) {
            return new Product(kRe, kIm, kOff, conjugate, re, im, off, aRe, aIm, aOff, gRe, gIm, gOff);
        }

        public Product accumulate(float[] aRe, float[] aIm, int aOff, float[] gRe, float[] gIm, int gOff) {
            return new Product(kRe, kIm, kOff, conjugate, keepRe, keepIm, keepOff, aRe, aIm, aOff, gRe, gIm, gOff);
        }
    }

    /**
     * One FFT convolution of {@code lanes} real signals with a kernel spectrum, fused: the signal
     * (as in {@link #forward}) is transformed, each pair of bins (k, n-k) is split, multiplied as
     * {@code product} says and recombined for the inverse in one pass over the workspace, and the
     * first {@code yLength} samples of the inverse (with 1/m) are written to (or added to) y. The
     * same operations as {@link #forward}, {@link Spectra} and {@link #inverse} one after another,
     * without the passes between them. y may be x at the same offset and strides: the signal is read
     * in full (by the first stage) before anything is written to y.
     */
    public void convolve(float[] x, int xOff, int xStride, int length, int lanes, Product product,
                         float[] y, int yOff, int yStride, int yLength, boolean accumulate, Workspace ws) {
        convolve(x, xOff, xStride, length, lanes, product, y, yOff, yStride, yLength, accumulate, ws, FftKernels.active());
    }

    /** {@link #convolve} with the given kernels (null: the scalar loops), for tests of the twins. */
    void convolve(float[] x, int xOff, int xStride, int length, int lanes, Product product,
                  float[] y, int yOff, int yStride, int yLength, boolean accumulate, Workspace ws, FftKernels kernels) {
        check(lanes, ws);
        if (length < 0 || length > m || yLength < 0 || yLength > m) {
            throw new IllegalArgumentException("signal lengths " + length + ", " + yLength + " outside [0, " + m + "]");
        }
        boolean inS = transformPacked(x, xOff, xStride, length, lanes, ws, kernels);
        float[] zr = inS ? ws.sRe : ws.zRe, zi = inS ? ws.sIm : ws.zIm;
        float[] xr = ws.xRe, xi = ws.xIm, yr = ws.yRe, yi = ws.yIm;
        Product pr = product;
        // Pairs (k, n-k): both bins come from Z_k and Z_{n-k}, and the inverse's Z'_k and Z'_{n-k} from
        // both products, so the pass reads and writes each element of Z once, in place.
        for (int k = 0; k <= half / 2; k++) {
            int k2 = half - k;
            boolean pair = k2 != k;
            float[] sr = pr.keepRe() != null ? pr.keepRe() : xr, si = pr.keepRe() != null ? pr.keepIm() : xi;
            int o1 = pr.keepRe() != null ? pr.keepOff() + k * lanes : 0, o2 = pr.keepRe() != null ? pr.keepOff() + k2 * lanes : lanes;
            splitForward(zr, zi, k, lanes, sr, si, o1, kernels);
            if (pair) splitForward(zr, zi, k2, lanes, sr, si, o2, kernels);
            if (pr.gRe() != null) {
                Spectra.accumulateConjugateProduct(pr.aRe(), pr.aIm(), pr.aOff() + k * lanes, sr, si, o1,
                        pr.gRe(), pr.gIm(), pr.gOff() + k * lanes, lanes, kernels);
                if (pair) {
                    Spectra.accumulateConjugateProduct(pr.aRe(), pr.aIm(), pr.aOff() + k2 * lanes, sr, si, o2,
                            pr.gRe(), pr.gIm(), pr.gOff() + k2 * lanes, lanes, kernels);
                }
            }
            Spectra.multiply(sr, si, o1, pr.kRe(), pr.kIm(), pr.kOff() + k * lanes, pr.conjugate(), yr, yi, 0, lanes, kernels);
            if (pair) Spectra.multiply(sr, si, o2, pr.kRe(), pr.kIm(), pr.kOff() + k2 * lanes, pr.conjugate(), yr, yi, lanes, lanes, kernels);
            splitInverse(yr, yi, 0, pair ? lanes : 0, k, lanes, zr, zi, k * lanes, kernels);
            if (pair && k2 < half) splitInverse(yr, yi, lanes, 0, k2, lanes, zr, zi, k2 * lanes, kernels);
        }
        inverseFrom(inS, lanes, y, yOff, yStride, yLength, accumulate, ws, kernels);
    }

    private void check(int lanes, Workspace ws) {
        if (lanes < 1) throw new IllegalArgumentException("lanes must be >= 1, got " + lanes);
        if (ws.capacity() < half * lanes || ws.xRe.length < 2 * lanes) {
            throw new IllegalArgumentException("workspace holds " + ws.capacity() + " floats, " + half * lanes + " needed");
        }
    }
}
