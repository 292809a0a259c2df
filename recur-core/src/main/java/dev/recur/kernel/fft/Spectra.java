package dev.recur.kernel.fft;

/**
 * Bin-by-bin products of split complex spectra, the other half of an FFT convolution: with the
 * vector backend on the Vector API ({@link FftKernels}), else the scalar loops here (the twins give
 * the same bits). Arrays are read from an offset over {@code n} consecutive bins.
 */
public final class Spectra {
    private Spectra() {}

    /** {@code out = a * b} (or {@code a * conj(b)}); out may be a itself (same offset). */
    public static void multiply(float[] ar, float[] ai, int aOff, float[] br, float[] bi, int bOff, boolean conjB,
                                float[] outR, float[] outI, int outOff, int n) {
        multiply(ar, ai, aOff, br, bi, bOff, conjB, outR, outI, outOff, n, FftKernels.active());
    }

    /** {@code g += conj(a) * b}. */
    public static void accumulateConjugateProduct(float[] ar, float[] ai, int aOff, float[] br, float[] bi, int bOff,
                                                  float[] gr, float[] gi, int gOff, int n) {
        accumulateConjugateProduct(ar, ai, aOff, br, bi, bOff, gr, gi, gOff, n, FftKernels.active());
    }

    static void multiply(float[] ar, float[] ai, int aOff, float[] br, float[] bi, int bOff, boolean conjB,
                         float[] outR, float[] outI, int outOff, int n, FftKernels kernels) {
        if (kernels != null) {
            kernels.multiply(ar, ai, aOff, br, bi, bOff, conjB, outR, outI, outOff, n);
            return;
        }
        float sign = conjB ? -1f : 1f;
        for (int i = 0; i < n; i++) {
            float xr = ar[aOff + i], xi = ai[aOff + i], yr = br[bOff + i], yi = sign * bi[bOff + i];
            outR[outOff + i] = xr * yr - xi * yi;
            outI[outOff + i] = xr * yi + xi * yr;
        }
    }

    static void accumulateConjugateProduct(float[] ar, float[] ai, int aOff, float[] br, float[] bi, int bOff,
                                           float[] gr, float[] gi, int gOff, int n, FftKernels kernels) {
        if (kernels != null) {
            kernels.accumulateConjugateProduct(ar, ai, aOff, br, bi, bOff, gr, gi, gOff, n);
            return;
        }
        for (int i = 0; i < n; i++) {
            float xr = ar[aOff + i], xi = ai[aOff + i], yr = br[bOff + i], yi = bi[bOff + i];
            gr[gOff + i] += xr * yr + xi * yi;
            gi[gOff + i] += xr * yi - xi * yr;
        }
    }
}
