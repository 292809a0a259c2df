package dev.recur.kernel;

import dev.recur.random.Rng;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The vector GEMM against its scalar twin (same bits: both follow the accumulation order that
 * {@link Gemm} fixes) and against a float64 triple loop (within the rounding bound of that order).
 */
class GemmTest {
    private static final Gemm VECTOR = Backends.vector().gemm();
    private static final Gemm SCALAR = Backends.scalar().gemm();
    private static final float SENTINEL = -12345.5f;
    private static final float[] ALPHAS = {1f, -0.75f, 2.5f};
    private static final float[] BETAS = {0f, 1f, -0.5f, 1.75f};

    /** One product: operands stored with padding, offsets and leading dimensions beyond the width. */
    private record Case(boolean transA, boolean transB, int m, int n, int k, float alpha, float beta,
                        float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {

        static Case random(Rng rng, boolean transA, boolean transB, int m, int n, int k, float alpha, float beta,
                           boolean padded) {
            int aRows = transA ? k : m, aCols = transA ? m : k, bRows = transB ? n : k, bCols = transB ? k : n;
            int lda = aCols + (padded ? rng.nextInt(0, 6) : 0), ldb = bCols + (padded ? rng.nextInt(0, 6) : 0);
            int ldc = n + (padded ? rng.nextInt(0, 6) : 0);
            int aOff = padded ? rng.nextInt(0, 8) : 0, bOff = padded ? rng.nextInt(0, 8) : 0, cOff = padded ? rng.nextInt(0, 8) : 0;
            float[] a = filled(rng, aOff + aRows * Math.max(1, lda) + 3, Float.NaN);
            float[] b = filled(rng, bOff + bRows * Math.max(1, ldb) + 3, Float.NaN);
            float[] c = filled(rng, cOff + m * Math.max(1, ldc) + 3, SENTINEL);
            randomize(rng, a, aOff, aRows, aCols, lda);
            randomize(rng, b, bOff, bRows, bCols, ldb);
            // beta == 0 must not read C: NaN there would leak into the result.
            if (beta == 0f) fill(c, cOff, m, n, ldc, Float.NaN);
            else randomize(rng, c, cOff, m, n, ldc);
            return new Case(transA, transB, m, n, k, alpha, beta, a, aOff, Math.max(1, lda), b, bOff, Math.max(1, ldb),
                    c, cOff, Math.max(1, ldc));
        }

        float[] run(Gemm g) {
            float[] out = c.clone();
            g.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, out, cOff, ldc);
            return out;
        }

        float[] runPacked(Gemm g) {
            float[] out = c.clone();
            Gemm.PackedMatrix pb = g.packB(transB, k, n, b, bOff, ldb);
            assertEquals(k, pb.rows());
            assertEquals(n, pb.cols());
            g.sgemm(transA, m, alpha, a, aOff, lda, pb, beta, out, cOff, ldc);
            return out;
        }

        double a(int i, int p) {
            return transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
        }

        double b(int p, int j) {
            return transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
        }

        /**
         * Checks {@code got} against the float64 product. The fixed order rounds beta*c once, alpha*a
         * once per term and each of the k FMAs once, so the error is at most (k + 2) u times the sum of
         * the magnitudes (u = 2^-24, first order in u); the bound below allows a factor 2 over that.
         * Elements of the array outside C's rectangle must be untouched.
         */
        void checkAgainstFloat64(float[] got) {
            boolean[] inC = new boolean[c.length];
            double u = Math.ulp(1.0f) / 2;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    int idx = cOff + i * ldc + j;
                    inC[idx] = true;
                    double c0 = beta == 0f ? 0 : (double) beta * c[idx], sum = c0, mag = Math.abs(c0);
                    for (int p = 0; p < k; p++) {
                        double t = alpha * a(i, p) * b(p, j);
                        sum += t;
                        mag += Math.abs(t);
                    }
                    double tol = 2 * (k + 2) * u * mag + Float.MIN_NORMAL;
                    if (!(Math.abs(got[idx] - sum) <= tol)) {
                        fail(this + ": C[" + i + "][" + j + "] = " + got[idx] + ", float64 says " + sum + " (tolerance " + tol + ")");
                    }
                }
            }
            for (int idx = 0; idx < c.length; idx++) {
                if (!inC[idx] && Float.floatToRawIntBits(got[idx]) != Float.floatToRawIntBits(c[idx])) {
                    fail(this + ": element " + idx + " outside C was overwritten");
                }
            }
        }

        @Override
        public String toString() {
            return "sgemm(" + (transA ? "T" : "N") + (transB ? "T" : "N") + ", m=" + m + ", n=" + n + ", k=" + k
                    + ", alpha=" + alpha + ", beta=" + beta + ", lda=" + lda + ", ldb=" + ldb + ", ldc=" + ldc
                    + ", offsets " + aOff + "/" + bOff + "/" + cOff + ")";
        }
    }

    private static float[] filled(Rng rng, int size, float value) {
        float[] x = new float[size];
        Arrays.fill(x, value);
        return x;
    }

    private static void randomize(Rng rng, float[] x, int off, int rows, int cols, int ld) {
        for (int r = 0; r < rows; r++) for (int j = 0; j < cols; j++) x[off + r * ld + j] = (float) (rng.nextDouble() * 2 - 1);
    }

    private static void fill(float[] x, int off, int rows, int cols, int ld, float value) {
        for (int r = 0; r < rows; r++) Arrays.fill(x, off + r * ld, off + r * ld + cols, value);
    }

    private static void assertSameBits(float[] expected, float[] actual, Object what) {
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                fail(what + ": element " + i + " differs: " + expected[i] + " vs " + actual[i]);
            }
        }
    }

    /** Vector == scalar (bits) and both within the float64 bound, unpacked and packed. */
    private static void checkCase(Case cs) {
        float[] scalar = cs.run(SCALAR);
        float[] vector = cs.run(VECTOR);
        cs.checkAgainstFloat64(scalar);
        assertSameBits(scalar, vector, cs + " vector vs scalar");
        assertSameBits(scalar, cs.runPacked(VECTOR), cs + " vector packed vs scalar");
        assertSameBits(scalar, cs.runPacked(SCALAR), cs + " scalar packed vs scalar");
    }

    @Test
    void smallRandomShapesInEveryTransposeCombination() {
        Rng rng = new Rng(20240601);
        for (int trial = 0; trial < 90; trial++) {
            for (int t = 0; t < 4; t++) {
                int m = rng.nextInt(1, 71), n = rng.nextInt(1, 71), k = rng.nextInt(1, 71);
                float alpha = ALPHAS[rng.nextInt(ALPHAS.length)], beta = BETAS[rng.nextInt(BETAS.length)];
                checkCase(Case.random(rng, (t & 1) != 0, (t & 2) != 0, m, n, k, alpha, beta, trial % 3 != 0));
            }
        }
    }

    @Test
    void everyTailOfTheRegisterTile() {
        // Rows 1..17 cover every tile height (8, 4, 2, 1 and their sums); columns around 1, 2 and 3
        // panels of 48 and around one vector of 16 cover every partial panel and double-width pairing.
        Rng rng = new Rng(7);
        int[] cols = {1, 15, 16, 17, 47, 48, 49, 95, 96, 97, 143, 144, 145};
        for (int m = 1; m <= 17; m++) {
            for (int n : cols) {
                int k = 1 + (m * 7 + n) % 23;
                checkCase(Case.random(rng, m % 2 == 0, n % 2 == 0, m, n, k, 1f, BETAS[(m + n) % BETAS.length], true));
            }
        }
    }

    @Test
    void largerShapesCrossEveryBlockBoundary() {
        Rng rng = new Rng(99);
        for (int t = 0; t < 4; t++) {
            boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
            // 257 rows: more than one row block, and a packed B (more than 64 rows); k = 300: two k runs.
            checkCase(Case.random(rng, ta, tb, 257, 129, 300, t == 0 ? 1f : -0.75f, t < 2 ? 0f : 1.75f, true));
            // few rows with a long k: B read in place (or packed when transposed) over several k runs.
            checkCase(Case.random(rng, ta, tb, 33, 200, 530, 1f, 1f, true));
        }
        // few rows against a B of more than 2^20 elements: packed, not read in place (16 lanes).
        checkCase(Case.random(rng, false, false, 5, 1100, 1000, 1f, 0.5f, true));
        // wider than one column block (NC = 3072 at 16 lanes) with packed B.
        checkCase(Case.random(rng, false, false, 65, 3100, 9, 1f, 0f, false));
    }

    @Test
    void productsOfOneRowBlockPackBAFewPanelsAtATime() {
        // 9..97 rows: past the in-place B of 8 rows (8 lanes), up to and past one row block (96 rows
        // at 8 lanes); widths around the 96 columns packed at a time and a partial last panel;
        // one and two k runs.
        Rng rng = new Rng(17);
        int[] rows = {9, 16, 33, 95, 96, 97};
        int[] cols = {95, 96, 97, 200, 1030};
        for (int r = 0; r < rows.length; r++) {
            for (int q = 0; q < cols.length; q++) {
                int t = (r + q) % 4, k = (r + q) % 2 == 0 ? 257 : 31;
                checkCase(Case.random(rng, (t & 1) != 0, (t & 2) != 0, rows[r], cols[q], k,
                        ALPHAS[q % ALPHAS.length], BETAS[(r + q) % BETAS.length], q % 2 == 0));
            }
        }
        // Row-major A and B with alpha 1: the first row tile packs each panel as it goes (AVX2);
        // row tails after it, a partial last panel, one and two k runs, every beta.
        for (int r = 0; r < rows.length - 2; r++) {
            for (int q = 0; q < cols.length; q++) {
                checkCase(Case.random(rng, false, false, rows[r] + q % 3, cols[q], q % 2 == 0 ? 300 : 24,
                        1f, BETAS[(r + q) % BETAS.length], (r + q) % 2 == 0));
            }
        }
    }

    @Test
    void recurrentStepShapes() {
        Rng rng = new Rng(5);
        for (int batch : new int[] {1, 2, 3, 5, 32, 64}) {
            checkCase(Case.random(rng, false, true, batch, 256, 64, 1f, 1f, false));
        }
    }

    @Test
    void emptyAndDegenerateProducts() {
        Rng rng = new Rng(3);
        for (Gemm g : new Gemm[] {VECTOR, SCALAR}) {
            for (float beta : BETAS) {
                // k == 0: C = beta * C; alpha == 0: the same, and A and B (NaN here) are not read.
                Case cs = Case.random(rng, false, false, 5, 7, 0, 1f, beta, true);
                cs.checkAgainstFloat64(cs.run(g));
                Case zero = Case.random(rng, true, false, 5, 7, 4, 0f, beta, true);
                Arrays.fill(zero.a(), Float.NaN);
                Arrays.fill(zero.b(), Float.NaN);
                float[] out = zero.run(g);
                for (int i = 0; i < 5; i++) {
                    for (int j = 0; j < 7; j++) {
                        int idx = zero.cOff() + i * zero.ldc() + j;
                        assertEquals(beta == 0f ? 0f : beta * zero.c()[idx], out[idx], 0f);
                    }
                }
            }
            float[] c = {1, 2, 3};
            g.sgemm(false, false, 0, 3, 4, 1f, new float[0], 0, 4, new float[12], 0, 3, 0f, c, 0, 3);
            g.sgemm(false, false, 1, 0, 4, 1f, new float[4], 0, 4, new float[0], 0, 1, 0f, c, 0, 1);
            assertTrue(Arrays.equals(new float[] {1, 2, 3}, c));
        }
    }

    @Test
    void oneAndTwoThreadsGiveTheSameBits() {
        Rng rng = new Rng(11);
        int saved = Parallel.threads();
        try {
            Case[] cases = {
                    Case.random(rng, false, false, 64, 1024, 64, 1f, 0f, false),   // split by column panels
                    Case.random(rng, true, true, 301, 40, 200, -0.75f, 1.75f, true), // narrow: split by row tiles
                    Case.random(rng, false, true, 130, 250, 270, 1f, 1f, true),
                    Case.random(rng, false, false, 1, 2048, 256, 1f, 1f, false),
                    Case.random(rng, false, false, 32, 1000, 256, 1f, 0f, false),  // 8 chunks, one row block
                    Case.random(rng, true, false, 200, 333, 300, 2.5f, -0.5f, true), // 8 chunks, several row blocks
                    Case.random(rng, false, true, 45, 777, 130, 1f, 1.75f, true),    // chunks of a transposed B, odd sizes
                    Case.random(rng, false, false, 1, 1000, 256, 1f, 0f, false),   // one row in column halves (while the worker keeps up)
                    Case.random(rng, true, false, 2, 1030, 300, 0.5f, 1.25f, true), // two rows, a partial last panel
                    // column chunks sharing one packed A (more than one row block), two k runs, a partial micro-panel
                    Case.random(rng, false, false, 151, 1000, 300, 1f, 0f, false),
                    Case.random(rng, true, true, 151, 1000, 300, -0.75f, 1f, true),
            };
            for (Case cs : cases) {
                Parallel.setThreads(1);
                float[] one = cs.run(VECTOR), onePacked = cs.runPacked(VECTOR);
                Parallel.setThreads(2);
                assertSameBits(one, cs.run(VECTOR), cs + " 1 vs 2 threads");
                assertSameBits(onePacked, cs.runPacked(VECTOR), cs + " packed, 1 vs 2 threads");
                assertSameBits(one, onePacked, cs + " packed vs unpacked");
                cs.checkAgainstFloat64(one);
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void rejectsBadArguments() {
        for (Gemm g : new Gemm[] {VECTOR, SCALAR}) {
            float[] x = new float[64];
            assertThrows(IllegalArgumentException.class, () -> g.sgemm(false, false, 4, 4, 4, 1f, x, 0, 3, x, 0, 4, 0f, x, 0, 4));
            assertThrows(IllegalArgumentException.class, () -> g.sgemm(false, true, 4, 4, 4, 1f, x, 0, 4, x, 0, 3, 0f, x, 0, 4));
            assertThrows(IllegalArgumentException.class, () -> g.sgemm(false, false, 4, 4, 4, 1f, x, 61, 4, x, 0, 4, 0f, x, 0, 4));
            assertThrows(IllegalArgumentException.class, () -> g.sgemm(false, false, -1, 4, 4, 1f, x, 0, 4, x, 0, 4, 0f, x, 0, 4));
            Gemm.PackedMatrix other = (g == VECTOR ? SCALAR : VECTOR).packB(false, 4, 4, x, 0, 4);
            assertThrows(IllegalArgumentException.class, () -> g.sgemm(false, 4, 1f, x, 0, 4, other, 0f, x, 0, 4));
        }
    }
}
