package dev.recur.kernel.vector;

import dev.recur.kernel.Backends;
import dev.recur.kernel.Reductions;
import dev.recur.random.Rng;
import org.junit.jupiter.api.Test;

import static dev.recur.kernel.KernelTestData.LENGTHS;
import static dev.recur.kernel.KernelTestData.guardsIntact;
import static dev.recur.kernel.KernelTestData.placed;
import static dev.recur.kernel.KernelTestData.withinUlps;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Every vector reduction against its scalar twin, within the blocked-summation error bound. */
class VectorReductionsTest {
    private static final Reductions SCALAR = Backends.scalar().reductions();
    private static final Reductions VECTOR = Backends.vector().reductions();
    /** The per-element factor of VectorSums' bound, (BLOCK / (2 L) + log2(2 L) + 2) * 2^-24 with L >= 4. */
    private static final double SUM_FACTOR = (1024 / 8 + 6 + 2) * 0x1p-24;
    private static final int[] LONG_LENGTHS = {2048, 5000};

    private static float[] gaussian(Rng rng, int n, double mean) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (mean + rng.nextGaussian());
        return a;
    }

    private static int[] lengths() {
        int[] all = java.util.Arrays.copyOf(LENGTHS, LENGTHS.length + LONG_LENGTHS.length);
        System.arraycopy(LONG_LENGTHS, 0, all, LENGTHS.length, LONG_LENGTHS.length);
        return all;
    }

    @Test
    void sumAndDotWithinTheStatedBound() {
        Rng rng = new Rng(1);
        for (int n : lengths()) {
            for (int off : new int[] {0, 3}) {
                float[] a = placed(gaussian(rng, n, 0.3), off), b = placed(gaussian(rng, n, -0.2), off + 1);
                double absSum = 0, absDot = 0;
                for (int i = 0; i < n; i++) {
                    absSum += Math.abs(a[off + i]);
                    absDot += Math.abs((double) a[off + i] * b[off + 1 + i]);
                }
                float s = SCALAR.sum(a, off, n), v = VECTOR.sum(a, off, n);
                assertTrue(Math.abs(v - (double) s) <= Math.ulp(s) + SUM_FACTOR * absSum, "sum n=" + n + ": " + s + " vs " + v);
                float ds = SCALAR.dot(a, off, b, off + 1, n), dv = VECTOR.dot(a, off, b, off + 1, n);
                assertTrue(Math.abs(dv - (double) ds) <= Math.ulp(ds) + SUM_FACTOR * absDot, "dot n=" + n + ": " + ds + " vs " + dv);
            }
        }
        assertEquals(0f, VECTOR.sum(new float[0], 0, 0));
        assertTrue(Float.isNaN(VECTOR.sum(new float[] {1f, Float.NaN, 2f}, 0, 3)));
        assertEquals(Float.POSITIVE_INFINITY, VECTOR.dot(new float[] {Float.MAX_VALUE, 1f}, 0, new float[] {2f, 1f}, 0, 2));
    }

    @Test
    void maxMatchesIncludingNaNAndSignedZero() {
        Rng rng = new Rng(2);
        for (int n : lengths()) {
            float[] a = placed(gaussian(rng, n, 0), 2);
            assertEquals(SCALAR.max(a, 2, n), VECTOR.max(a, 2, n), "n=" + n);
            if (n > 0) {
                float[] withNaN = a.clone();
                withNaN[2 + rng.nextInt(n)] = Float.NaN;
                assertTrue(Float.isNaN(VECTOR.max(withNaN, 2, n)), "NaN lost, n=" + n);
            }
        }
        assertEquals(Float.NEGATIVE_INFINITY, VECTOR.max(new float[3], 1, 0));
        assertEquals(Float.floatToRawIntBits(0f), Float.floatToRawIntBits(VECTOR.max(new float[] {-0f, 0f, -0f}, 0, 3)));
        assertEquals(-1f, VECTOR.max(new float[] {-3f, -1f, -2f}, 0, 3)); // the tail's masked-off lanes must not act as 0
    }

    @Test
    void elementwiseArithmeticMatches() {
        Rng rng = new Rng(3);
        for (int n : LENGTHS) {
            float[] a = gaussian(rng, n, 0), b = gaussian(rng, n, 1), y0 = gaussian(rng, n, -1);
            check("axpy", n, (r, y, off) -> r.axpy(1.7f, placed(a, 1), 1, y, off, n), y0, 1);
            check("scale", n, (r, y, off) -> r.scale(-0.3f, placed(a, 2), 2, y, off, n), y0, 0);
            check("mul", n, (r, y, off) -> r.mul(placed(a, 0), 0, placed(b, 3), 3, y, off, n), y0, 0);
            check("mulAdd", n, (r, y, off) -> r.mulAdd(placed(a, 0), 0, placed(b, 3), 3, y, off, n), y0, 1);
        }
        // In place: y aliases x.
        float[] x = {1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f, 12f, 13f, 14f, 15f, 16f, 17f};
        VECTOR.scale(2f, x, 0, x, 0, x.length);
        VECTOR.mul(x, 0, x, 0, x, 0, x.length);
        assertEquals(4f * 17 * 17, x[16]);
    }

    @FunctionalInterface
    private interface Op {
        void apply(Reductions r, float[] y, int yOff);
    }

    /** Runs op on both backends into y (pre-filled with y0 at offset 4) and compares within ulps. */
    private static void check(String name, int n, Op op, float[] y0, double ulps) {
        float[] ys = placed(y0, 4), yv = placed(y0, 4);
        op.apply(SCALAR, ys, 4);
        op.apply(VECTOR, yv, 4);
        assertTrue(guardsIntact(yv, 4, n), name + " wrote outside its range, n=" + n);
        for (int i = 0; i < n; i++) {
            if (!withinUlps(ys[4 + i], yv[4 + i], ulps)) fail(name + "[" + i + "] n=" + n + ": " + ys[4 + i] + " vs " + yv[4 + i]);
        }
    }

    @Test
    void softmaxRowsMatchAndSumToOne() {
        Rng rng = new Rng(4);
        for (int cols : new int[] {1, 7, 16, 17, 33, 1000, 3000}) {
            int rows = 3;
            float[] x = new float[rows * cols + 2];
            for (int i = 0; i < x.length; i++) x[i] = (float) (rng.nextGaussian() * 6 + 40); // large logits: max subtraction matters
            float[] ys = new float[x.length], yv = new float[x.length];
            SCALAR.softmaxRows(x, 2, ys, 1, rows, cols);
            VECTOR.softmaxRows(x, 2, yv, 1, rows, cols);
            float[] inPlace = x.clone();
            VECTOR.softmaxRows(inPlace, 2, inPlace, 2, rows, cols);
            for (int i = 0; i < rows * cols; i++) {
                // e^(x - max) within ~1 ulp, times the rounded reciprocal of the (double) sum.
                assertTrue(withinUlps(ys[1 + i], yv[1 + i], 2.5), "softmax cols=" + cols + " [" + i + "]: " + ys[1 + i] + " vs " + yv[1 + i]);
                assertEquals(yv[1 + i], inPlace[2 + i], "in place differs");
            }
            float[] ls = new float[x.length], lv = new float[x.length];
            SCALAR.logSoftmaxRows(x, 2, ls, 0, rows, cols);
            VECTOR.logSoftmaxRows(x, 2, lv, 0, rows, cols);
            for (int i = 0; i < rows * cols; i++) {
                assertTrue(withinUlps(ls[i], lv[i], 2) || Math.abs(ls[i] - lv[i]) <= 1e-6 * Math.log(cols + 1),
                        "logSoftmax cols=" + cols + " [" + i + "]: " + ls[i] + " vs " + lv[i]);
            }
        }
        float[] inf = {Float.NEGATIVE_INFINITY, 0f, Float.NEGATIVE_INFINITY};
        float[] y = new float[3];
        VECTOR.softmaxRows(inf, 0, y, 0, 1, 3);
        assertEquals(java.util.List.of(0f, 1f, 0f), java.util.List.of(y[0], y[1], y[2]));
        VECTOR.logSoftmaxRows(inf, 0, y, 0, 1, 3);
        assertEquals(java.util.List.of(Float.NEGATIVE_INFINITY, 0f, Float.NEGATIVE_INFINITY), java.util.List.of(y[0], y[1], y[2]));
    }

    @Test
    void softmaxBackwardsMatch() {
        Rng rng = new Rng(5);
        for (int cols : new int[] {1, 15, 17, 100}) {
            int rows = 4;
            float[] x = gaussian(rng, rows * cols, 0), dy = gaussian(rng, rows * cols, 0.1), dx0 = gaussian(rng, rows * cols, 0);
            float[] y = new float[rows * cols], logY = new float[rows * cols];
            SCALAR.softmaxRows(x, 0, y, 0, rows, cols);
            SCALAR.logSoftmaxRows(x, 0, logY, 0, rows, cols);
            for (boolean log : new boolean[] {false, true}) {
                float[] ds = placed(dx0, 1), dv = placed(dx0, 1);
                if (log) {
                    SCALAR.logSoftmaxRowsBackward(logY, 0, dy, 0, ds, 1, rows, cols);
                    VECTOR.logSoftmaxRowsBackward(logY, 0, dy, 0, dv, 1, rows, cols);
                } else {
                    SCALAR.softmaxRowsBackward(y, 0, dy, 0, ds, 1, rows, cols);
                    VECTOR.softmaxRowsBackward(y, 0, dy, 0, dv, 1, rows, cols);
                }
                assertTrue(guardsIntact(dv, 1, rows * cols));
                for (int i = 0; i < rows * cols; i++) {
                    assertEquals(ds[1 + i], dv[1 + i], 1e-5 * (1 + Math.abs(ds[1 + i])), (log ? "log" : "") + "softmax backward cols=" + cols);
                }
            }
        }
    }
}
