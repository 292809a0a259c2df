package dev.recur.linear;

/** Unit lower-triangular matrices of the delta rule's UT transform. */
final class Triangular {
    private Triangular() {}

    /**
     * {@code T = (I + A)^{-1}} for a strictly lower-triangular {@code A} (n × n, row stride lda), by
     * forward substitution row by row: {@code T_t = e_t − Σ_{u<t} A_tu T_u}. T (row stride ldt) is
     * unit lower-triangular; its upper part is written as zeros. Each row is accumulated in a
     * scratch row of its own so that the inner loop reads one array and writes another (C2
     * vectorises it; a call per (t, u) pair would cost more than the arithmetic).
     */
    static void unitLowerInverse(float[] A, int aOff, int lda, float[] T, int tOff, int ldt, int n) {
        float[] row = new float[n];
        for (int t = 0; t < n; t++) {
            java.util.Arrays.fill(row, 0f);
            row[t] = 1f;
            for (int u = 0; u < t; u++) {
                float a = A[aOff + t * lda + u];
                if (a == 0f) continue;
                int src = tOff + u * ldt;
                for (int j = 0; j <= u; j++) row[j] -= a * T[src + j];
            }
            System.arraycopy(row, 0, T, tOff + t * ldt, n);
        }
    }
}
