package dev.recur.kernel.vector;

import dev.recur.kernel.Backends;
import dev.recur.kernel.Norms;
import dev.recur.random.Rng;
import org.junit.jupiter.api.Test;

import static dev.recur.kernel.KernelTestData.guardsIntact;
import static dev.recur.kernel.KernelTestData.placed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** LayerNorm and RMSNorm, forward and backward, vector against scalar twin, with and without affine. */
class VectorNormsTest {
    private static final Norms SCALAR = Backends.scalar().norms();
    private static final Norms VECTOR = Backends.vector().norms();
    private static final int[] COLS = {1, 7, 15, 16, 17, 33, 100, 1037, 2500};

    private static float[] gaussian(Rng rng, int n, double mean, double std) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (mean + std * rng.nextGaussian());
        return a;
    }

    private static void assertClose(float[] expected, float[] actual, int off, int n, double rel, String what) {
        double scale = 0;
        for (int i = 0; i < n; i++) scale = Math.max(scale, Math.abs(expected[off + i]));
        for (int i = 0; i < n; i++) {
            assertEquals(expected[off + i], actual[off + i], rel * (Math.abs(expected[off + i]) + 1e-3 * scale) + 1e-30, what + " [" + i + "]");
        }
    }

    @Test
    void layerNormMatches() {
        Rng rng = new Rng(11);
        for (int cols : COLS) {
            for (boolean affine : new boolean[] {false, true}) {
                int rows = 3;
                // A large mean against a small spread: the two-pass variance must not cancel.
                float[] x = placed(gaussian(rng, rows * cols, 1000, 0.5), 2);
                float[] gamma = affine ? gaussian(rng, cols, 1, 0.3) : null, beta = affine ? gaussian(rng, cols, 0, 1) : null;
                float[] ys = placed(new float[rows * cols], 1), yv = placed(new float[rows * cols], 1);
                float[] ms = new float[rows], rs = new float[rows], mv = new float[rows], rv = new float[rows];
                SCALAR.layerNorm(x, 2, gamma, beta, ys, 1, ms, rs, rows, cols, 1e-5f);
                VECTOR.layerNorm(x, 2, gamma, beta, yv, 1, mv, rv, rows, cols, 1e-5f);
                assertTrue(guardsIntact(yv, 1, rows * cols));
                assertClose(ms, mv, 0, rows, 1e-7, "mean");
                assertClose(rs, rv, 0, rows, 1e-5, "rstd");
                assertClose(ys, yv, 1, rows * cols, 2e-4, "layerNorm cols=" + cols); // x - mean loses ~12 bits at mean 1000

                float[] dy = gaussian(rng, rows * cols, 0, 1);
                float[] dxs = placed(gaussian(rng, rows * cols, 0, 1), 3), dxv = dxs.clone();
                float[] dgs = affine ? gaussian(rng, cols, 0, 1) : null, dgv = affine ? dgs.clone() : null;
                float[] dbs = affine ? gaussian(rng, cols, 0, 1) : null, dbv = affine ? dbs.clone() : null;
                SCALAR.layerNormBackward(x, 2, gamma, dy, 0, ms, rs, dxs, 3, dgs, dbs, rows, cols);
                VECTOR.layerNormBackward(x, 2, gamma, dy, 0, ms, rs, dxv, 3, dgv, dbv, rows, cols);
                assertTrue(guardsIntact(dxv, 3, rows * cols));
                assertClose(dxs, dxv, 3, rows * cols, 2e-4, "layerNorm dx cols=" + cols);
                if (affine) {
                    assertClose(dgs, dgv, 0, cols, 2e-4, "dgamma");
                    assertClose(dbs, dbv, 0, cols, 1e-6, "dbeta");
                }
            }
        }
    }

    @Test
    void rmsNormMatches() {
        Rng rng = new Rng(12);
        for (int cols : COLS) {
            for (boolean affine : new boolean[] {false, true}) {
                int rows = 2;
                float[] x = placed(gaussian(rng, rows * cols, 0.5, 2), 1);
                float[] gamma = affine ? gaussian(rng, cols, 1, 0.3) : null;
                float[] ys = new float[rows * cols], yv = new float[rows * cols], rs = new float[rows], rv = new float[rows];
                SCALAR.rmsNorm(x, 1, gamma, ys, 0, rs, rows, cols, 1e-6f);
                VECTOR.rmsNorm(x, 1, gamma, yv, 0, rv, rows, cols, 1e-6f);
                assertClose(rs, rv, 0, rows, 1e-6, "rstd");
                assertClose(ys, yv, 0, rows * cols, 1e-6, "rmsNorm cols=" + cols);

                float[] dy = gaussian(rng, rows * cols, 0, 1);
                float[] dxs = gaussian(rng, rows * cols, 0, 1), dxv = dxs.clone();
                float[] dgs = affine ? gaussian(rng, cols, 0, 1) : null, dgv = affine ? dgs.clone() : null;
                SCALAR.rmsNormBackward(x, 1, gamma, dy, 0, rs, dxs, 0, dgs, rows, cols);
                VECTOR.rmsNormBackward(x, 1, gamma, dy, 0, rs, dxv, 0, dgv, rows, cols);
                assertClose(dxs, dxv, 0, rows * cols, 1e-5, "rmsNorm dx cols=" + cols);
                if (affine) assertClose(dgs, dgv, 0, cols, 1e-5, "dgamma");
            }
        }
    }

    @Test
    void forwardInPlaceMatches() {
        Rng rng = new Rng(13);
        int rows = 3, cols = 37;
        float[] x = gaussian(rng, rows * cols, 0.5, 1.5), gamma = gaussian(rng, cols, 1, 0.2), beta = gaussian(rng, cols, 0, 1);
        float[] expected = new float[rows * cols], inPlace = x.clone(), stats = new float[rows], rstd = new float[rows];
        VECTOR.layerNorm(x, 0, gamma, beta, expected, 0, stats, rstd, rows, cols, 1e-5f);
        VECTOR.layerNorm(inPlace, 0, gamma, beta, inPlace, 0, stats, rstd, rows, cols, 1e-5f);
        assertEquals(java.util.Arrays.toString(expected), java.util.Arrays.toString(inPlace));
        VECTOR.rmsNorm(x, 0, gamma, expected, 0, rstd, rows, cols, 1e-6f);
        inPlace = x.clone();
        VECTOR.rmsNorm(inPlace, 0, gamma, inPlace, 0, rstd, rows, cols, 1e-6f);
        assertEquals(java.util.Arrays.toString(expected), java.util.Arrays.toString(inPlace));
    }

    @Test
    void backwardWithoutInputGradientOnlyUpdatesParameters() {
        float[] x = {1f, 2f, 3f, 4f}, gamma = {1f, 1f, 1f, 1f}, dy = {1f, -1f, 0.5f, 2f};
        float[] mean = new float[1], rstd = new float[1], y = new float[4];
        VECTOR.layerNorm(x, 0, gamma, null, y, 0, mean, rstd, 1, 4, 0f);
        float[] dg = new float[4], db = new float[4];
        VECTOR.layerNormBackward(x, 0, gamma, dy, 0, mean, rstd, null, 0, dg, db, 1, 4);
        for (int j = 0; j < 4; j++) {
            assertEquals(dy[j] * y[j], dg[j], 1e-6);
            assertEquals(dy[j], db[j]);
        }
    }
}
