package dev.recur.linear;

import dev.recur.random.Rng;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SmallGemmTest {
    @Test
    void transposeCoversRaggedShapes() {
        Rng rng = new Rng(8);
        for (int[] sh : new int[][] {{1, 1}, {3, 7}, {4, 4}, {7, 5}, {64, 64}, {13, 64}}) {
            int n = sh[0], k = sh[1], ldb = k + 3;
            float[] b = new float[2 + n * ldb];
            for (int i = 0; i < b.length; i++) b[i] = (float) rng.nextGaussian();
            float[] t = new float[k * n];
            SmallGemm.transpose(b, 2, ldb, n, k, t);
            for (int j = 0; j < n; j++) for (int p = 0; p < k; p++) assertEquals(b[2 + j * ldb + p], t[p * n + j], n + "x" + k);
        }
    }

    @Test
    void matchesADoublePrecisionProductForEveryTransposeAndEdge() {
        Rng rng = new Rng(11);
        // sizes below, at and between the register blocks (4 rows, 2 vectors), odd tails, k = 1
        int[][] shapes = {{1, 1, 1}, {3, 5, 7}, {4, 16, 8}, {7, 13, 5}, {9, 33, 64}, {64, 64, 64}, {65, 40, 1}};
        float[][] ab = {{1f, 0f}, {-1f, 1f}, {0.5f, -2f}};
        for (int[] sh : shapes) {
            int m = sh[0], n = sh[1], k = sh[2];
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    for (float[] coef : ab) {
                        float alpha = coef[0], beta = coef[1];
                        // leading dimensions wider than the matrices and nonzero offsets
                        int lda = (ta ? m : k) + 3, ldb = (tb ? k : n) + 2, ldc = n + 5;
                        float[] a = random(rng, 2 + (ta ? k : m) * lda), b = random(rng, 1 + (tb ? n : k) * ldb);
                        float[] c = random(rng, 3 + m * ldc), before = c.clone();
                        if (beta == 0f) for (int i = 0; i < m; i++) c[3 + i * ldc] = Float.NaN; // beta 0 must not read C
                        SmallGemm.gemm(ta, tb, m, n, k, alpha, a, 2, lda, b, 1, ldb, beta, c, 3, ldc);
                        for (int i = 0; i < m; i++) {
                            for (int j = 0; j < n; j++) {
                                double s = 0;
                                for (int p = 0; p < k; p++) {
                                    double x = ta ? a[2 + p * lda + i] : a[2 + i * lda + p];
                                    double y = tb ? b[1 + j * ldb + p] : b[1 + p * ldb + j];
                                    s += x * y;
                                }
                                double want = alpha * s + (beta == 0f ? 0 : beta * before[3 + i * ldc + j]);
                                String where = m + "x" + n + "x" + k + " ta=" + ta + " tb=" + tb + " beta=" + beta + " (" + i + ", " + j + ")";
                                assertEquals(want, c[3 + i * ldc + j], 1e-5 * (1 + Math.sqrt(k)), where);
                            }
                            // columns past n in the row's padding stay as they were
                            for (int j = n; j < ldc && 3 + i * ldc + j < c.length; j++) {
                                assertEquals(before[3 + i * ldc + j], c[3 + i * ldc + j], "padding " + i + ", " + j);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void chunkSizedProductsGoThisWayAndLargeOnesDoNot() {
        assertTrue(SmallGemm.suits(64, 128, 64));
        assertFalse(SmallGemm.suits(1024, 1024, 64));
    }

    private static float[] random(Rng rng, int n) {
        float[] x = new float[n];
        rng.fillNormal(x, 0, n, 0f, 1f);
        return x;
    }
}
