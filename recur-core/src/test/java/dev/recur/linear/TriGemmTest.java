package dev.recur.linear;

import dev.recur.random.Rng;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The blocked triangular products against a float64 product over the full ranges. */
class TriGemmTest {
    /** op(A) (m × k) with its stepped triangle zeroed: lower keeps p < (i+1)·step, upper keeps p >= i / step. */
    private static float[] triangle(Rng rng, boolean lower, boolean transA, int m, int k, int step, int lda) {
        float[] a = new float[(transA ? k : m) * lda + 2];
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                boolean keep = lower ? p < (long) (i + 1) * step : p >= i / step;
                a[2 + (transA ? p * lda + i : i * lda + p)] = keep ? (float) rng.nextGaussian() : 0f;
            }
        }
        return a;
    }

    @Test
    void triangularFactorsGiveTheFullProduct() {
        Rng rng = new Rng(5);
        // one block, several blocks with a ragged last one, stepped (DeltaProduct's nh = 2, 3)
        int[][] shapes = {{7, 5, 7, 1}, {64, 64, 64, 1}, {40, 24, 40, 1}, {32, 16, 64, 2}, {10, 9, 30, 3}, {30, 9, 10, 3}};
        for (int[] sh : shapes) {
            int m = sh[0], n = sh[1], k = sh[2], step = sh[3];
            for (boolean lower : new boolean[] {true, false}) {
                for (boolean ta : new boolean[] {false, true}) {
                    for (boolean tb : new boolean[] {false, true}) {
                        int lda = (ta ? m : k) + 3, ldb = (tb ? k : n) + 2, ldc = n + 1;
                        float[] a = triangle(rng, lower, ta, m, k, step, lda);
                        float[] b = new float[(tb ? n : k) * ldb + 1];
                        for (int i = 1; i < b.length; i++) b[i] = (float) rng.nextGaussian();
                        float[] c = new float[m * ldc + 3];
                        for (int i = 0; i < c.length; i++) c[i] = (float) rng.nextGaussian();
                        float[] before = c.clone();
                        if (lower) {
                            TriGemm.lowerA(ta, tb, m, n, k, step, -0.5f, a, 2, lda, b, 1, ldb, 2f, c, 3, ldc);
                        } else {
                            TriGemm.upperA(ta, tb, m, n, k, step, -0.5f, a, 2, lda, b, 1, ldb, 2f, c, 3, ldc);
                        }
                        for (int i = 0; i < m; i++) {
                            for (int j = 0; j < n; j++) {
                                double s = 0;
                                for (int p = 0; p < k; p++) {
                                    s += (double) a[2 + (ta ? p * lda + i : i * lda + p)] * b[1 + (tb ? j * ldb + p : p * ldb + j)];
                                }
                                assertEquals(-0.5 * s + 2.0 * before[3 + i * ldc + j], c[3 + i * ldc + j], 1e-4 * (1 + Math.sqrt(k)),
                                        (lower ? "lower " : "upper ") + m + "x" + n + "x" + k + " step " + step + " ta=" + ta + " tb=" + tb);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void aTriangularResultCoversItsTriangleAndLeavesTheRestAlone() {
        Rng rng = new Rng(6);
        int[][] shapes = {{64, 64, 32, 1}, {21, 21, 5, 1}, {20, 40, 8, 2}, {9, 30, 4, 3}};
        for (int[] sh : shapes) {
            int m = sh[0], n = sh[1], k = sh[2], step = sh[3];
            float[] a = new float[m * k], b = new float[n * k];
            for (int i = 0; i < a.length; i++) a[i] = (float) rng.nextGaussian();
            for (int i = 0; i < b.length; i++) b[i] = (float) rng.nextGaussian();
            float[] c = new float[m * n];
            java.util.Arrays.fill(c, Float.NaN);
            TriGemm.lowerC(false, true, m, n, k, step, 1f, a, 0, k, b, 0, k, 0f, c, 0, n);
            for (int i = 0; i < m; i++) {
                int reach = (int) Math.min(n, (long) (i + 1) * step), blockEnd = (int) Math.min(n, (long) Math.min(m, (i / TriGemm.BLOCK + 1) * TriGemm.BLOCK) * step);
                for (int j = 0; j < n; j++) {
                    if (j < reach) {
                        double s = 0;
                        for (int p = 0; p < k; p++) s += (double) a[i * k + p] * b[j * k + p];
                        assertEquals(s, c[i * n + j], 1e-4 * (1 + Math.sqrt(k)), "(" + i + ", " + j + ")");
                    } else if (j >= blockEnd) {
                        assertEquals(Float.NaN, c[i * n + j], "past the block's reach (" + i + ", " + j + ")");
                    }
                }
            }
        }
    }
}
