package dev.recur.kernel.fft;

import dev.recur.autodiff.GradCheck;
import dev.recur.random.Rng;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FftTest {
    /**
     * The DFT by its definition, in double: X_k = sum_j x_j exp(-+2 pi i jk / n), with an exact
     * twiddle table indexed by jk mod n (n^2 multiply-adds, no trigonometry in the loop).
     */
    static double[][] naiveDft(double[] re, double[] im, boolean inverse) {
        int n = re.length;
        double sign = inverse ? 1 : -1;
        double[] c = new double[n], s = new double[n];
        for (int k = 0; k < n; k++) {
            c[k] = Math.cos(sign * 2 * Math.PI * k / n);
            s[k] = Math.sin(sign * 2 * Math.PI * k / n);
        }
        double[] xr = new double[n], xi = new double[n];
        for (int k = 0; k < n; k++) {
            double sr = 0, si = 0;
            int idx = 0;
            for (int j = 0; j < n; j++) {
                sr += re[j] * c[idx] - im[j] * s[idx];
                si += re[j] * s[idx] + im[j] * c[idx];
                idx += k;
                if (idx >= n) idx -= n;
            }
            xr[k] = sr;
            xi[k] = si;
        }
        return new double[][] {xr, xi};
    }

    static float[] gaussian(Rng rng, int n) {
        float[] a = new float[n];
        rng.fillNormal(a, 0, n, 0f, 1f);
        return a;
    }

    /** Lane l of a lanes-interleaved array, in double. */
    static double[] lane(float[] a, int off, int n, int lanes, int l) {
        double[] r = new double[n];
        for (int k = 0; k < n; k++) r[k] = a[off + k * lanes + l];
        return r;
    }

    /** Relative RMS error over two arrays together (a complex signal). */
    static double complexError(double[] ar, double[] ai, double[] rr, double[] ri) {
        double[] a = new double[2 * ar.length], r = new double[2 * ar.length];
        System.arraycopy(ar, 0, a, 0, ar.length);
        System.arraycopy(ai, 0, a, ar.length, ai.length);
        System.arraycopy(rr, 0, r, 0, rr.length);
        System.arraycopy(ri, 0, r, rr.length, ri.length);
        return GradCheck.relRms(a, r);
    }

    @Test
    void complexTransformMatchesTheDefinitionForEverySizeAndLaneCount() {
        Rng rng = new Rng(11);
        for (int n = 1; n <= 1024; n *= 2) {
            for (int lanes : new int[] {1, 3, 16, 17}) {
                int off = 5; // transforms work on a region of a larger array
                float[] re = gaussian(rng, off + n * lanes + 2), im = gaussian(rng, off + n * lanes + 2);
                float[] re0 = re.clone(), im0 = im.clone();
                Fft fft = new Fft(n);
                for (boolean inverse : new boolean[] {false, true}) {
                    float[] r = re0.clone(), i = im0.clone();
                    float[] sr = new float[n * lanes], si = new float[n * lanes];
                    if (inverse) fft.inverse(r, i, off, lanes, sr, si);
                    else fft.forward(r, i, off, lanes, sr, si);
                    for (int l = 0; l < lanes; l++) {
                        double[][] want = naiveDft(lane(re0, off, n, lanes, l), lane(im0, off, n, lanes, l), inverse);
                        double err = complexError(lane(r, off, n, lanes, l), lane(i, off, n, lanes, l), want[0], want[1]);
                        assertTrue(err < 3e-7, "n=" + n + " lanes=" + lanes + " lane " + l + " inverse=" + inverse + ": error " + err);
                    }
                    // elements outside the region are untouched
                    for (int k = 0; k < off; k++) assertEquals(re0[k], r[k]);
                    assertEquals(re0[re0.length - 1], r[r.length - 1]);
                }
            }
        }
    }

    @Test
    void largeTransformsKeepFloat32Accuracy() {
        // The stated accuracy: relative RMS error below 3e-7 at n = 2^14, the size S4D uses at T = 16384 (the naive DFT costs n^2, so one lane).
        Rng rng = new Rng(12);
        int n = 1 << 14;
        float[] re = gaussian(rng, n), im = gaussian(rng, n);
        float[] r = re.clone(), i = im.clone();
        new Fft(n).forward(r, i, 0, 1, new float[n], new float[n]);
        double[][] want = naiveDft(lane(re, 0, n, 1, 0), lane(im, 0, n, 1, 0), false);
        double err = complexError(lane(r, 0, n, 1, 0), lane(i, 0, n, 1, 0), want[0], want[1]);
        assertTrue(err < 3e-7, "error " + err);
    }

    @Test
    void realTransformMatchesTheDefinitionAndInvertsExactly() {
        Rng rng = new Rng(13);
        for (int m = 2; m <= 2048; m *= 2) {
            for (int lanes : new int[] {1, 5, 16}) {
                RealFft rfft = new RealFft(m);
                int xOff = 3, outOff = 7;
                float[] x = gaussian(rng, xOff + m * lanes);
                float[] re = new float[outOff + rfft.bins() * lanes], im = new float[re.length];
                RealFft.Workspace ws = rfft.workspace(lanes);
                rfft.forward(x, xOff, lanes, m, lanes, re, im, outOff, lanes, ws);
                for (int l = 0; l < lanes; l++) {
                    double[][] want = naiveDft(lane(x, xOff, m, lanes, l), new double[m], false);
                    double[] wr = java.util.Arrays.copyOf(want[0], m / 2 + 1), wi = java.util.Arrays.copyOf(want[1], m / 2 + 1);
                    double err = complexError(lane(re, outOff, m / 2 + 1, lanes, l), lane(im, outOff, m / 2 + 1, lanes, l), wr, wi);
                    assertTrue(err < 3e-7, "m=" + m + " lanes=" + lanes + ": error " + err);
                }
                float[] back = new float[xOff + m * lanes];
                rfft.inverse(re, im, outOff, lanes, lanes, back, xOff, lanes, m, false, ws);
                for (int l = 0; l < lanes; l++) {
                    double err = GradCheck.relRms(lane(back, xOff, m, lanes, l), lane(x, xOff, m, lanes, l));
                    assertTrue(err < 3e-7, "round trip m=" + m + ": error " + err);
                }
            }
        }
    }

    @Test
    void inverseRealTransformOfAnArbitraryHermitianSpectrum() {
        // irfft against the definition x_t = (1/m) sum_k X_k e^{2 pi i kt/m} over the full Hermitian spectrum.
        Rng rng = new Rng(14);
        int m = 64, bins = m / 2 + 1;
        float[] re = gaussian(rng, bins), im = gaussian(rng, bins);
        im[0] = 0;
        im[bins - 1] = 0;
        double[] fr = new double[m], fi = new double[m];
        for (int k = 0; k < bins; k++) {
            fr[k] = re[k];
            fi[k] = im[k];
            if (k > 0 && k < m / 2) {
                fr[m - k] = re[k];
                fi[m - k] = -im[k];
            }
        }
        double[][] want = naiveDft(fr, fi, true);
        for (int t = 0; t < m; t++) want[0][t] /= m;
        RealFft rfft = new RealFft(m);
        float[] x = new float[m];
        rfft.inverse(re, im, 0, 1, 1, x, 0, 1, m, false, rfft.workspace(1));
        assertTrue(GradCheck.relRms(lane(x, 0, m, 1, 0), want[0]) < 3e-7);
    }

    @Test
    void stridedColumnsWithImplicitPaddingConvolveLinearly() {
        // Columns 2..4 of a (T, 7) block, zero-padded to m = 2T: pointwise product of spectra is the linear
        // (not circular) convolution, accumulated into the output block.
        Rng rng = new Rng(15);
        int T = 37, m = Fft.nextPowerOfTwo(2 * T), stride = 7, lanes = 3, col = 2;
        float[] u = gaussian(rng, T * stride), k = gaussian(rng, T * stride);
        RealFft rfft = new RealFft(m);
        RealFft.Workspace ws = rfft.workspace(lanes);
        int bins = rfft.bins();
        float[] ur = new float[bins * 4], ui = new float[bins * 4], kr = new float[bins * 4], ki = new float[bins * 4];
        rfft.forward(u, col, stride, T, lanes, ur, ui, 1, 4, ws);
        rfft.forward(k, col, stride, T, lanes, kr, ki, 1, 4, ws);
        for (int b = 0; b < bins; b++) {
            for (int l = 0; l < lanes; l++) {
                int i = 1 + b * 4 + l;
                float r = ur[i] * kr[i] - ui[i] * ki[i], im = ur[i] * ki[i] + ui[i] * kr[i];
                ur[i] = r;
                ui[i] = im;
            }
        }
        float[] y = new float[T * stride];
        java.util.Arrays.fill(y, 1f);
        rfft.inverse(ur, ui, 1, 4, lanes, y, col, stride, T, true, ws);
        for (int l = 0; l < lanes; l++) {
            double[] want = new double[T], got = new double[T];
            for (int t = 0; t < T; t++) {
                want[t] = 1;
                for (int j = 0; j <= t; j++) want[t] += (double) k[j * stride + col + l] * u[(t - j) * stride + col + l];
                got[t] = y[t * stride + col + l];
            }
            assertTrue(GradCheck.relRms(got, want) < 1e-6, "lane " + l);
        }
        for (int t = 0; t < T; t++) {
            assertEquals(1f, y[t * stride]); // columns outside the block are untouched
            assertEquals(1f, y[t * stride + 6]);
        }
    }

    @Test
    void vectorKernelsGiveTheScalarLoopsBitsForEverySizeAndLaneCount() {
        org.junit.jupiter.api.Assumptions.assumeTrue(dev.recur.kernel.Backends.vectorAvailable());
        FftKernels vector = FftKernels.vector();
        Rng rng = new Rng(21);
        for (int n = 1; n <= 1024; n *= 2) {
            for (int lanes : new int[] {1, 3, 8, 16, 17}) {
                int off = 3, total = n * lanes;
                float[] re = gaussian(rng, off + total), im = gaussian(rng, off + total);
                for (boolean inverse : new boolean[] {false, true}) {
                    float[] r1 = re.clone(), i1 = im.clone(), r2 = re.clone(), i2 = im.clone();
                    Fft fft = new Fft(n);
                    fft.run(r1, i1, off, lanes, new float[total], new float[total], inverse, null);
                    fft.run(r2, i2, off, lanes, new float[total], new float[total], inverse, vector);
                    org.junit.jupiter.api.Assertions.assertArrayEquals(r1, r2, "re n=" + n + " lanes=" + lanes + " inverse=" + inverse);
                    org.junit.jupiter.api.Assertions.assertArrayEquals(i1, i2, "im n=" + n + " lanes=" + lanes + " inverse=" + inverse);
                }
                if (n < 2) continue;
                // the real transform's pack, split and unpack passes, with padding and accumulation
                RealFft rfft = new RealFft(n);
                int length = n / 2 + 1, bins = rfft.bins();
                float[] x = gaussian(rng, length * lanes);
                float[] fr1 = new float[bins * lanes], fi1 = new float[bins * lanes];
                float[] fr2 = new float[bins * lanes], fi2 = new float[bins * lanes];
                rfft.forward(x, 0, lanes, length, lanes, fr1, fi1, 0, lanes, rfft.workspace(lanes), null);
                rfft.forward(x, 0, lanes, length, lanes, fr2, fi2, 0, lanes, rfft.workspace(lanes), vector);
                org.junit.jupiter.api.Assertions.assertArrayEquals(fr1, fr2, "real forward n=" + n + " lanes=" + lanes);
                org.junit.jupiter.api.Assertions.assertArrayEquals(fi1, fi2, "real forward n=" + n + " lanes=" + lanes);
                for (boolean accumulate : new boolean[] {false, true}) {
                    float[] y1 = gaussian(new Rng(n + lanes), n * lanes), y2 = y1.clone();
                    rfft.inverse(fr1, fi1, 0, lanes, lanes, y1, 0, lanes, n, accumulate, rfft.workspace(lanes), null);
                    rfft.inverse(fr1, fi1, 0, lanes, lanes, y2, 0, lanes, n, accumulate, rfft.workspace(lanes), vector);
                    org.junit.jupiter.api.Assertions.assertArrayEquals(y1, y2, "real inverse n=" + n + " lanes=" + lanes);
                }
            }
        }
    }

    @Test
    void vectorSpectrumProductsGiveTheScalarLoopsBits() {
        org.junit.jupiter.api.Assumptions.assumeTrue(dev.recur.kernel.Backends.vectorAvailable());
        Rng rng = new Rng(22);
        for (int n : new int[] {1, 15, 16, 17, 100}) {
            float[] ar = gaussian(rng, n + 2), ai = gaussian(rng, n + 2), br = gaussian(rng, n + 3), bi = gaussian(rng, n + 3);
            for (boolean conj : new boolean[] {false, true}) {
                float[] r1 = new float[n + 1], i1 = new float[n + 1], r2 = new float[n + 1], i2 = new float[n + 1];
                Spectra.multiply(ar, ai, 2, br, bi, 3, conj, r1, i1, 1, n, null);
                Spectra.multiply(ar, ai, 2, br, bi, 3, conj, r2, i2, 1, n, FftKernels.vector());
                org.junit.jupiter.api.Assertions.assertArrayEquals(r1, r2);
                org.junit.jupiter.api.Assertions.assertArrayEquals(i1, i2);
                assertEquals(ar[2] * br[3] - ai[2] * (conj ? -bi[3] : bi[3]), r1[1]);
            }
            float[] g1 = gaussian(rng, n), h1 = gaussian(rng, n), g2 = g1.clone(), h2 = h1.clone();
            Spectra.accumulateConjugateProduct(ar, ai, 2, br, bi, 3, g1, h1, 0, n, null);
            Spectra.accumulateConjugateProduct(ar, ai, 2, br, bi, 3, g2, h2, 0, n, FftKernels.vector());
            org.junit.jupiter.api.Assertions.assertArrayEquals(g1, g2);
            org.junit.jupiter.api.Assertions.assertArrayEquals(h1, h2);
        }
    }

    @Test
    void paddedSignalsTakeTheFusedFirstAndLastStagesAndStillMatchTheDefinition() {
        // length <= m/2: the pack pass runs inside the first stage and the inverse writes only the first half
        Rng rng = new Rng(16);
        for (int m = 2; m <= 1024; m *= 2) {
            for (int lanes : new int[] {1, 5, 16}) {
                for (int length : new int[] {m / 2, Math.max(0, m / 2 - 1), 1}) {
                    RealFft rfft = new RealFft(m);
                    RealFft.Workspace ws = rfft.workspace(lanes);
                    int xOff = 2, bins = rfft.bins();
                    float[] x = gaussian(rng, xOff + length * lanes);
                    float[] re = new float[bins * lanes], im = new float[bins * lanes];
                    rfft.forward(x, xOff, lanes, length, lanes, re, im, 0, lanes, ws);
                    for (int l = 0; l < lanes; l++) {
                        double[] padded = java.util.Arrays.copyOf(lane(x, xOff, length, lanes, l), m);
                        double[][] want = naiveDft(padded, new double[m], false);
                        double err = complexError(lane(re, 0, bins, lanes, l), lane(im, 0, bins, lanes, l),
                                java.util.Arrays.copyOf(want[0], bins), java.util.Arrays.copyOf(want[1], bins));
                        assertTrue(err < 3e-7, "m=" + m + " lanes=" + lanes + " length=" + length + ": error " + err);
                    }
                    // the pruned inverse (first `length` samples) against the full one
                    float[] full = new float[m * lanes], part = new float[xOff + length * lanes];
                    rfft.inverse(re, im, 0, lanes, lanes, full, 0, lanes, m, false, ws);
                    rfft.inverse(re, im, 0, lanes, lanes, part, xOff, lanes, length, false, ws);
                    for (int i = 0; i < length * lanes; i++) {
                        assertEquals(full[i], part[xOff + i], 1e-6f, "m=" + m + " length=" + length);
                        assertEquals(x[xOff + i], part[xOff + i], 1e-5f, "round trip m=" + m);
                    }
                }
            }
        }
    }

    @Test
    void fusedConvolutionGivesTheBitsOfItsSeparatePasses() {
        // convolve == forward, (accumulate conj(A) X,) multiply, inverse, with either set of kernels
        Rng rng = new Rng(17);
        FftKernels vector = dev.recur.kernel.Backends.vectorAvailable() ? FftKernels.vector() : null;
        for (int m = 2; m <= 1024; m *= 2) {
            for (int lanes : new int[] {1, 3, 8, 16, 17}) {
                RealFft rfft = new RealFft(m);
                int bins = rfft.bins(), n = bins * lanes;
                for (int length : new int[] {m / 2, Math.max(1, m / 2 - 3), m}) {
                    float[] x = gaussian(rng, length * lanes), kr = gaussian(rng, n + 1), ki = gaussian(rng, n + 1);
                    float[] ar = gaussian(rng, n), ai = gaussian(rng, n), g0r = gaussian(rng, n), g0i = gaussian(rng, n);
                    float[] y0 = gaussian(rng, length * lanes);
                    for (boolean conj : new boolean[] {false, true}) {
                        float[][] results = new float[4][];
                        int r = 0;
                        for (FftKernels kernels : new FftKernels[] {null, vector}) {
                            if (kernels == null && r > 0) continue;
                            // separate passes
                            RealFft.Workspace ws = rfft.workspace(lanes);
                            float[] xr = new float[n], xi = new float[n], gr = g0r.clone(), gi = g0i.clone(), y = y0.clone();
                            rfft.forward(x, 0, lanes, length, lanes, xr, xi, 0, lanes, ws, kernels);
                            float[] keptR = xr.clone(), keptI = xi.clone();
                            Spectra.accumulateConjugateProduct(ar, ai, 0, xr, xi, 0, gr, gi, 0, n, kernels);
                            Spectra.multiply(xr, xi, 0, kr, ki, 1, conj, xr, xi, 0, n, kernels);
                            rfft.inverse(xr, xi, 0, lanes, lanes, y, 0, lanes, length, true, ws, kernels);
                            // fused
                            float[] fr = new float[n + 2], fi = new float[n + 2], hr = g0r.clone(), hi = g0i.clone(), z = y0.clone();
                            RealFft.Product product = RealFft.Product.of(kr, ki, 1, conj).keep(fr, fi, 2).accumulate(ar, ai, 0, hr, hi, 0);
                            rfft.convolve(x, 0, lanes, length, lanes, product, z, 0, lanes, length, true, rfft.workspace(lanes), kernels);
                            String at = "m=" + m + " lanes=" + lanes + " length=" + length + " conj=" + conj + " vector=" + (kernels != null);
                            org.junit.jupiter.api.Assertions.assertArrayEquals(y, z, "output " + at);
                            org.junit.jupiter.api.Assertions.assertArrayEquals(gr, hr, "accumulated re " + at);
                            org.junit.jupiter.api.Assertions.assertArrayEquals(gi, hi, "accumulated im " + at);
                            org.junit.jupiter.api.Assertions.assertArrayEquals(keptR, java.util.Arrays.copyOfRange(fr, 2, n + 2), "kept " + at);
                            org.junit.jupiter.api.Assertions.assertArrayEquals(keptI, java.util.Arrays.copyOfRange(fi, 2, n + 2), "kept " + at);
                            results[r++] = z;
                            if (kernels == null && vector == null) break;
                        }
                        if (vector != null) org.junit.jupiter.api.Assertions.assertArrayEquals(results[0], results[1], "vector twin m=" + m);
                        // without keep or accumulation, into a fresh output
                        float[] plain = new float[length * lanes];
                        rfft.convolve(x, 0, lanes, length, lanes, RealFft.Product.of(kr, ki, 1, conj), plain, 0, lanes, length, false,
                                rfft.workspace(lanes), null);
                        for (int i = 0; i < plain.length; i++) assertEquals(results[0][i] - y0[i], plain[i], 1e-4f * (1 + Math.abs(plain[i])));
                    }
                }
            }
        }
    }

    @Test
    void sharedTransformsAreCachedPerSize() {
        org.junit.jupiter.api.Assertions.assertSame(RealFft.ofSize(64), RealFft.ofSize(64));
        assertEquals(128, RealFft.ofSize(128).size());
        assertThrows(IllegalArgumentException.class, () -> RealFft.ofSize(96));
    }

    @Test
    void rejectsSizesThatAreNotPowersOfTwo() {
        assertThrows(IllegalArgumentException.class, () -> new Fft(12));
        assertThrows(IllegalArgumentException.class, () -> new Fft(0));
        assertThrows(IllegalArgumentException.class, () -> new RealFft(1));
        assertEquals(16, Fft.nextPowerOfTwo(9));
        assertEquals(16, Fft.nextPowerOfTwo(16));
        assertEquals(1, Fft.nextPowerOfTwo(0));
    }
}
