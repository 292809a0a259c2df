package dev.recur.linear;

import dev.recur.random.Rng;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TriangularTest {
    @Test
    void blockedInverseTimesTheMatrixIsTheIdentityForEverySize() {
        // sizes at, below and above the leaf, odd splits, and row strides wider than the matrix
        Rng rng = new Rng(5);
        for (int n : new int[] {1, 2, 15, 16, 17, 33, 64}) {
            int lda = n + 3, ldt = n + 5;
            float[] a = new float[2 + n * lda];
            for (int t = 0; t < n; t++) for (int u = 0; u < t; u++) a[2 + t * lda + u] = (float) (0.3 * rng.nextGaussian());
            float[] tm = new float[1 + n * ldt];
            java.util.Arrays.fill(tm, 7f); // stale values must be overwritten, the upper part with zeros
            Triangular.unitLowerInverse(a, 2, lda, tm, 1, ldt, n);
            float[] sub = new float[1 + n * ldt];
            Triangular.substitute(a, 2, lda, sub, 1, ldt, n);
            for (int t = 0; t < n; t++) {
                for (int j = 0; j < n; j++) {
                    double s = tm[1 + t * ldt + j]; // ((I + A) T)_tj = T_tj + sum_u A_tu T_uj
                    for (int u = 0; u < t; u++) s += (double) a[2 + t * lda + u] * tm[1 + u * ldt + j];
                    assertEquals(t == j ? 1.0 : 0.0, s, 1e-5, "n=" + n + " (" + t + ", " + j + ")");
                    assertEquals(sub[1 + t * ldt + j], tm[1 + t * ldt + j], 1e-5, "n=" + n + " vs substitution");
                    if (j > t) assertEquals(0f, tm[1 + t * ldt + j]);
                }
            }
        }
    }
}
