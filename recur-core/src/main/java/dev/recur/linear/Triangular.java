package dev.recur.linear;

/** Unit lower-triangular matrices of the delta rule's UT transform. */
final class Triangular {
    private Triangular() {}

    /**
     * {@code T = (I + A)^{-1}} for a strictly lower-triangular {@code A} (n × n, row stride lda), by
     * forward substitution row by row: {@code T_t = e_t − Σ_{u<t} A_tu T_u}. T (row stride ldt) is
     * unit lower-triangular; its upper part is written as zeros.
     */
    static void unitLowerInverse(float[] A, int aOff, int lda, float[] T, int tOff, int ldt, int n) {
        for (int t = 0; t < n; t++) {
            int row = tOff + t * ldt;
            java.util.Arrays.fill(T, row, row + n, 0f);
            T[row + t] = 1f;
            for (int u = 0; u < t; u++) {
                float a = A[aOff + t * lda + u];
                if (a != 0f) Blas.axpy(-a, T, tOff + u * ldt, T, row, u + 1);
            }
        }
    }
}
