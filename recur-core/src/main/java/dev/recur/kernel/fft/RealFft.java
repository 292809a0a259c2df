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
        return new Workspace(half * lanes);
    }

    /** Per-thread scratch: the packed half-length signal and the Stockham ping-pong buffer. */
    public static final class Workspace {
        final float[] zRe, zIm, sRe, sIm;

        Workspace(int size) {
            zRe = new float[size];
            zIm = new float[size];
            sRe = new float[size];
            sIm = new float[size];
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
        float[] zr = ws.zRe, zi = ws.zIm;
        // Even samples to the real parts, odd to the imaginary; the padding is zeroed in one fill each.
        for (int t = 0; t < length; t++) System.arraycopy(x, xOff + t * xStride, (t & 1) == 0 ? zr : zi, (t >> 1) * lanes, lanes);
        java.util.Arrays.fill(zr, (length + 1) / 2 * lanes, half * lanes, 0f);
        java.util.Arrays.fill(zi, length / 2 * lanes, half * lanes, 0f);
        fft.run(zr, zi, 0, lanes, ws.sRe, ws.sIm, false, kernels);
        // E_k = (Z_k + conj Z_{n-k}) / 2 and O_k = (Z_k - conj Z_{n-k}) / 2i are the spectra of the even
        // and odd samples; X_k = E_k + w^k O_k with w = exp(-2 pi i / m). Z_n is Z_0.
        for (int k = 0; k <= half; k++) {
            int p = (k == half ? 0 : k) * lanes, q = (k == 0 ? 0 : half - k) * lanes, o = outOff + k * outStride;
            float wr = wRe[k], wi = wIm[k];
            if (kernels != null) {
                kernels.splitForward(zr, zi, p, q, wr, wi, re, im, o, lanes);
                continue;
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
        // E_k = (X_k + conj X_{n-k}) / 2, O_k = (X_k - conj X_{n-k}) w^-k / 2, Z_k = E_k + i O_k.
        float scale = 1f / half;
        for (int k = 0; k < half; k++) {
            int p = inOff + k * inStride, q = inOff + (half - k) * inStride, o = k * lanes;
            float wr = wRe[k], wi = -wIm[k];
            if (kernels != null) {
                kernels.splitInverse(re, im, p, q, k == 0, wr, wi, scale, zr, zi, o, lanes);
                continue;
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
        fft.run(zr, zi, 0, lanes, ws.sRe, ws.sIm, true, kernels);
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

    private void check(int lanes, Workspace ws) {
        if (lanes < 1) throw new IllegalArgumentException("lanes must be >= 1, got " + lanes);
        if (ws.capacity() < half * lanes) {
            throw new IllegalArgumentException("workspace holds " + ws.capacity() + " floats, " + half * lanes + " needed");
        }
    }
}
