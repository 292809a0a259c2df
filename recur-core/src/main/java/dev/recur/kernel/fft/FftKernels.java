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

    /**
     * The first radix-4 stage of a forward real transform fused with its pack pass, for one p: the
     * packed inputs a = (x[ar..], x[ai..]) and b = (x[br..], x[bi..]) (an offset < 0 reads zeros)
     * and c = d = 0 (the zero padding), into the four outputs at c, c+lanes, c+2lanes, c+3lanes.
     */
    void packRadix4(float[] x, int ar, int ai, int br, int bi, float[] yr, float[] yi, int c, int lanes,
                    float w1r, float w1i, float w2r, float w2i, float w3r, float w3i);

    /** The same for a first radix-2 stage: a = (x[ar..], x[ai..]), b = 0, outputs a and a w at c, c+lanes. */
    void packRadix2(float[] x, int ar, int ai, float[] yr, float[] yi, int c, int lanes, float wr, float wi);

    /**
     * The last radix-4 stage of an inverse real transform (twiddles 1) fused with its unpack pass:
     * inputs at a, a+q, a+2q, a+3q (lanes each); the outputs y0 and y1 (the first half; the second
     * is the zero padding's image, not needed) go to x at r0/i0 (y0 re/im) and r1/i1 (y1), added
     * to what is there when {@code accumulate}; an offset < 0 is not written.
     */
    void unpackRadix4(float[] xr, float[] xi, int a, int q, float sign, float[] x, int r0, int i0, int r1, int i1,
                      int lanes, boolean accumulate);

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
