package dev.recur.kernel.fft;

import dev.recur.kernel.Backends;

/**
 * The inner loops of {@link Fft} and {@link RealFft} over a contiguous run of lanes, in a form
 * that the Vector API computes directly from the arrays (no staging copies). Implemented by
 * {@code VectorFftKernels}; the scalar twins are the loops in {@link Fft} and {@link RealFft},
 * and both do the same IEEE operations in the same order (no fused multiply-adds), so their
 * results are bit-identical (FftTest checks it).
 */
interface FftKernels {
    /** See {@code Fft.radix2}. */
    void radix2(float[] xr, float[] xi, int a, int b, float[] yr, float[] yi, int c, int run, float wr, float wi);

    /** See {@code Fft.radix4}. */
    void radix4(float[] xr, float[] xi, int a, int q, float[] yr, float[] yi, int c, int run, float sign,
                float w1r, float w1i, float w2r, float w2i, float w3r, float w3i);

    /** One bin of {@code RealFft.forward}'s split pass, over {@code lanes} signals. */
    void splitForward(float[] zr, float[] zi, int p, int q, float wr, float wi, float[] re, float[] im, int o, int lanes);

    /** One bin of {@code RealFft.inverse}'s split pass; {@code first} for bin 0 (imaginary parts ignored). */
    void splitInverse(float[] re, float[] im, int p, int q, boolean first, float wr, float wi, float scale,
                      float[] zr, float[] zi, int o, int lanes);

    /** See {@link Spectra#multiply}. */
    void multiply(float[] ar, float[] ai, int aOff, float[] br, float[] bi, int bOff, boolean conjB,
                  float[] outR, float[] outI, int outOff, int n);

    /** See {@link Spectra#accumulateConjugateProduct}. */
    void accumulateConjugateProduct(float[] ar, float[] ai, int aOff, float[] br, float[] bi, int bOff,
                                    float[] gr, float[] gi, int gOff, int n);

    /** x[d + l] += src[s + l], l < lanes. */
    void accumulate(float[] src, int s, float[] x, int d, int lanes);

    /** The vector kernels when the active backend is the vector one, else null (use the scalar loops). */
    static FftKernels active() {
        return "vector".equals(Backends.active().name()) ? Holder.VECTOR : null;
    }

    /** The vector kernels (the module must be present). */
    static FftKernels vector() {
        return Holder.VECTOR;
    }

    /** Loaded on first use only, so that the scalar path never touches Vector API classes. */
    final class Holder {
        static final FftKernels VECTOR = load();

        private Holder() {}

        private static FftKernels load() {
            if (!Backends.vectorAvailable()) return null;
            try {
                return (FftKernels) Class.forName("dev.recur.kernel.fft.VectorFftKernels").getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot load the vector FFT kernels", e);
            }
        }
    }
}
